import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpStatus, renderMetrics, renderStatusPage, type HttpStatus, type StatusSnapshot } from '../../../src/node/http-status.ts';
import { createNodeCounters } from '../../../src/node/node-counters.ts';

function snapshot(over: Partial<StatusSnapshot> = {}): StatusSnapshot {
  const counters = createNodeCounters();
  counters.bytesOut = 2048;
  counters.requests.found = 3;
  counters.requests['not-found'] = 1;
  return {
    version: '0.1.0', peerId: '12D3KooWPeer', addresses: ['/ip4/192.168.1.5/tcp/4002/ws/p2p/12D3KooWPeer'],
    peers: 2, blocks: 7, bytes: 9000, uptimeSeconds: 3723, healthy: true, counters, ...over,
  };
}

describe('status page and metrics', () => {
  it('writes Prometheus text with every metric the admin dashboards use', () => {
    const text = renderMetrics(snapshot());
    expect(text).toContain('# TYPE peercache_peers gauge\npeercache_peers 2\n');
    expect(text).toContain('peercache_blocks 7\n');
    expect(text).not.toContain('peercache_group_bindings');
    expect(renderMetrics(snapshot({ groupBindings: 12 }))).toContain('peercache_group_bindings 12\n');
    expect(text).not.toContain('peercache_group_site_safety_facts');
    const group = renderMetrics(snapshot({ groupSiteSafety: { facts: 40, safeHosts: 6 } }));
    expect(group).toContain('peercache_group_site_safety_facts 40\n');
    expect(group).toContain('peercache_group_safe_hosts 6\n');
    expect(renderStatusPage(snapshot({ groupSiteSafety: { facts: 40, safeHosts: 6 } }))).toContain('<th>Site-safety facts</th><td>40 (hosts vouched for, unvetoed: 6)</td>');
    expect(text).toContain('peercache_cache_bytes 9000\n');
    expect(text).toContain('# TYPE peercache_bytes_in_total counter\npeercache_bytes_in_total 0\n');
    expect(text).toContain('peercache_bytes_out_total 2048\n');
    expect(text).toContain('peercache_block_requests_total{status="found"} 3\n');
    expect(text).toContain('peercache_block_requests_total{status="not-found"} 1\n');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('counts the streams each limit turned away, every limit listed from zero', () => {
    const s = snapshot();
    s.counters.limited['address-streams'] = 5;
    const text = renderMetrics(s);
    expect(text).toContain('# TYPE peercache_limited_total counter\n');
    expect(text).toContain('peercache_limited_total{limit="address-streams"} 5\n');
    for (const limit of ['total-streams', 'peer-streams', 'address-rate', 'peer-rate', 'penalised', 'other-streams']) {
      expect(text).toContain(`peercache_limited_total{limit="${limit}"} 0\n`);
    }
  });

  it('shows who the node is on the status page, escaping what it shows', () => {
    const html = renderStatusPage(snapshot({ version: '<script>x</script>' }));
    expect(html).toContain('12D3KooWPeer');
    expect(html).toContain('/ip4/192.168.1.5/tcp/4002/ws/p2p/12D3KooWPeer');
    expect(html).toContain('1h 2m 3s');
    expect(html).toContain('8.8 KiB');
    expect(html).not.toContain('<script>');
  });
});

describe('HTTP status server', () => {
  let server: HttpStatus | undefined;
  afterEach(() => server?.stop());

  it('answers /, /metrics and /healthz, and 503 once stopping', async () => {
    let healthy = true;
    server = createHttpStatus({ host: '127.0.0.1', port: 0, snapshot: () => snapshot({ healthy }) });
    await server.start();
    const base = `http://127.0.0.1:${server.port}`;
    const page = await fetch(`${base}/`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('PeerCache LAN node');
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await metrics.text()).toContain('peercache_blocks 7');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    healthy = false;
    expect((await fetch(`${base}/healthz`)).status).toBe(503);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('refuses a Host name it was not given (DNS rebinding), and answers IP addresses, localhost and configured names', async () => {
    server = createHttpStatus({ host: '127.0.0.1', port: 0, names: ['PeerCache.corp.lan'], snapshot: () => snapshot() });
    await server.start();
    const port = server.port;
    // fetch() will not send a Host header of our choosing: one request on a raw socket each.
    const statusFor = (host: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.end(`GET /metrics HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
        let head = '';
        socket.on('data', (d: Buffer) => (head += d.toString('latin1')));
        socket.on('end', () => resolve(Number(head.split(' ')[1])));
        socket.on('error', reject);
      });
    // A page at attacker.example whose name now points at the node's address.
    expect(await statusFor('attacker.example')).toBe(421);
    expect(await statusFor(`attacker.example:${port}`)).toBe(421);
    expect(await statusFor(`127.0.0.1:${port}`)).toBe(200);
    expect(await statusFor(`[::1]:${port}`)).toBe(200);
    expect(await statusFor('192.168.1.5')).toBe(200);
    expect(await statusFor(`localhost:${port}`)).toBe(200);
    expect(await statusFor(`peercache.corp.lan:${port}`)).toBe(200);
    expect(await statusFor('')).toBe(421);
  });
});
