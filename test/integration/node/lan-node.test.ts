/**
 * The LAN node as browsers and other LAN nodes meet it: blocks over TCP and WebSockets, a relay
 * slot for WebRTC signaling, the admin's HTTP endpoints, and the group key keeping strangers out.
 */
import type { Libp2p } from '@libp2p/interface';
import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchBlock } from '../../../src/p2p/block/index.ts';
import type { LanNode } from '../../../src/node/lan-node.ts';
import { addressOf, blockOf, startClient, startTestNode } from './harness.ts';
import { waitFor } from '../../support/wait.ts';
import { tempDir } from '../../support/lan-node.ts';

const nodes: LanNode[] = [];
const clients: Libp2p[] = [];
afterEach(async () => {
  await Promise.all([...clients.splice(0).map((c) => c.stop()), ...nodes.splice(0).map((n) => n.stop())]);
});

async function node(over: Parameters<typeof startTestNode>[0] = {}) {
  const started = await startTestNode(over);
  nodes.push(started.node);
  return started;
}
async function client(opts: Parameters<typeof startClient>[0]) {
  const c = await startClient(opts);
  clients.push(c);
  return c;
}

const GROUP = 'c0ffee'.repeat(10) + 'abcd';

describe('LAN node', () => {
  it('logs its addresses, serves its blocks over TCP and WebSockets, and counts it all in /metrics', async () => {
    const { node: lan, lines } = await node();
    const peerId = lan.libp2p.peerId.toString();
    const listening = lines.filter((l) => l.startsWith('listening '));
    expect(listening).toHaveLength(2);
    for (const l of listening) expect(l).toMatch(new RegExp(`^listening /ip4/127\\.0\\.0\\.1/tcp/\\d+(/ws)?/p2p/${peerId}$`));

    const asset = await blockOf('body { color: rebeccapurple }');
    await lan.cache.put(asset.key, asset.bytes);
    const missing = await blockOf('never cached');

    const overTcp = await client({ transport: 'tcp' });
    const viaTcp = await fetchBlock(overTcp, addressOf(lan, 'tcp'), asset.key, { maxBytes: 1 << 20, timeoutMs: 5000 });
    expect(viaTcp).toEqual({ status: 'found', bytes: asset.bytes });

    const overWs = await client({ transport: 'ws' });
    const viaWs = await fetchBlock(overWs, addressOf(lan, 'ws'), asset.key, { maxBytes: 1 << 20, timeoutMs: 5000 });
    expect(viaWs).toEqual({ status: 'found', bytes: asset.bytes });
    expect(overWs.getConnections()[0]?.remoteAddr.toString()).toContain('/ws');
    expect(await fetchBlock(overWs, addressOf(lan, 'ws'), missing.key, { maxBytes: 1 << 20, timeoutMs: 5000 })).toEqual({ status: 'not-found' });

    const base = `http://127.0.0.1:${lan.httpPort}`;
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^peercache_peers 2$/m);
    expect(metrics).toMatch(/^peercache_blocks 1$/m);
    expect(metrics).toMatch(new RegExp(`^peercache_cache_bytes ${asset.bytes.length}$`, 'm'));
    expect(metrics).toMatch(new RegExp(`^peercache_bytes_out_total ${2 * asset.bytes.length}$`, 'm'));
    expect(metrics).toMatch(/^peercache_block_requests_total\{status="found"\} 2$/m);
    expect(metrics).toMatch(/^peercache_block_requests_total\{status="not-found"\} 1$/m);
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await (await fetch(`${base}/`)).text()).toContain(peerId);
  });

  it('gives a browser-like client a relay reservation over WebSockets', async () => {
    const { node: lan } = await node();
    const relayAddr = addressOf(lan, 'ws').toString();
    const browser = await client({ transport: 'ws', relayListen: `${relayAddr}/p2p-circuit` });

    await waitFor(() => lan.libp2p.services.relay.reservations.has(browser.peerId), 10_000, 'the relay reservation');
    await waitFor(() => browser.getMultiaddrs().some((ma) => ma.toString().includes('/p2p-circuit')), 10_000, 'a circuit address');
    const circuit = browser.getMultiaddrs().find((ma) => ma.toString().includes('/p2p-circuit'));
    expect(circuit?.toString()).toContain(`/p2p/${lan.libp2p.peerId.toString()}/p2p-circuit/p2p/${browser.peerId.toString()}`);
  });

  it('with a group key, lets members in and keeps everyone else out', async () => {
    const { node: lan } = await node({ groupKey: GROUP });
    const member = await client({ transport: 'ws', groupKey: GROUP });
    await member.dial(addressOf(lan, 'ws'), { signal: AbortSignal.timeout(5000) });
    expect(await member.services.ping.ping(lan.libp2p.peerId, { signal: AbortSignal.timeout(5000) })).toBeGreaterThanOrEqual(0);

    // Without the key (or with another) the handshake fails, quickly or by the deadline.
    const stranger = await client({ transport: 'tcp' });
    const otherGroup = await client({ transport: 'ws', groupKey: 'ab'.repeat(32) });
    const [a, b] = await Promise.allSettled([
      stranger.dial(addressOf(lan, 'tcp'), { signal: AbortSignal.timeout(1500) }),
      otherGroup.dial(addressOf(lan, 'ws'), { signal: AbortSignal.timeout(1500) }),
    ]);
    expect([a.status, b.status]).toEqual(['rejected', 'rejected']);
    expect(lan.libp2p.getPeers().map(String)).toEqual([member.peerId.toString()]);
  });

  it('comes back after a restart with the same peer id and the same blocks', async () => {
    const dataDir = tempDir('lan-node');
    const asset = await blockOf('console.log("cached across restarts")');
    const first = await startTestNode({ dataDir });
    await first.node.cache.put(asset.key, asset.bytes);
    const peerId = first.node.libp2p.peerId.toString();
    await first.node.stop();

    const { node: again } = await node({ dataDir });
    expect(again.libp2p.peerId.toString()).toBe(peerId);
    const c = await client({ transport: 'tcp' });
    expect(await fetchBlock(c, addressOf(again, 'tcp'), asset.key, { maxBytes: 1 << 20, timeoutMs: 5000 })).toEqual({ status: 'found', bytes: asset.bytes });
  });

  it('reports unhealthy as soon as shutdown begins, and stops once however often asked', async () => {
    const { node: lan } = await node();
    const stopping = lan.stop();
    expect(lan.snapshot().healthy).toBe(false);
    await stopping;
    await lan.stop(); // idempotent
  });

  it('fails to start on a port in use, leaving nothing running behind', async () => {
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    const port = (squatter.address() as AddressInfo).port;
    try {
      await expect(startTestNode({ httpPort: port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await new Promise((r) => squatter.close(r));
    }
  });
});
