/**
 * The LAN node's HTTP face for admins: `/` a status page, `/metrics` for Prometheus (text
 * exposition format 0.0.4, https://prometheus.io/docs/instrumenting/exposition_formats/),
 * `/healthz` for service managers and load checks. Read-only; like every other PeerCache
 * connection it answers the local network only, even when bound to 0.0.0.0.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { isLanIPv4, isLanIPv6 } from '../core/lan-address.ts';
import { BLOCK_REQUEST_STATUSES, NODE_LIMITS, type NodeCounters } from './node-counters.ts';

/** What the pages show, read fresh for each request. */
export interface StatusSnapshot {
  readonly version: string;
  readonly peerId: string;
  readonly addresses: readonly string[];
  readonly peers: number;
  readonly blocks: number;
  readonly bytes: number;
  /** Entries in the group's bindings book; absent without a group key. */
  readonly groupBindings?: number;
  /**
   * Members' facts of what sites' CSPs allow, and the hosts with a counted member's vouch and no
   * veto (each browser still applies its own `minLanPeers`); absent without a group key.
   */
  readonly groupSiteSafety?: { readonly facts: number; readonly safeHosts: number };
  readonly uptimeSeconds: number;
  /** False once shutdown has begun: /healthz then answers 503. */
  readonly healthy: boolean;
  readonly counters: Readonly<NodeCounters>;
}

/** How the HTTP status server is created. */
export interface HttpStatusInit {
  readonly host: string;
  /**
   * Host names, besides IP literals and `localhost`, the pages answer to (e.g. the name admins
   * browse to). Any other `Host` is refused: a web page that rebinds its own name to the node's
   * address (DNS rebinding) would otherwise read the status page and metrics.
   */
  readonly names?: readonly string[];
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly snapshot: () => StatusSnapshot;
}

/** The running HTTP status server. */
export interface HttpStatus {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The bound port, once started. */
  readonly port: number;
}

/** The Prometheus text exposition of a snapshot. */
export function renderMetrics(s: StatusSnapshot): string {
  const lines: string[] = [];
  const metric = (name: string, type: 'gauge' | 'counter', help: string, samples: readonly [string, number][]): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  };
  metric('peercache_peers', 'gauge', 'Connected libp2p peers.', [['', s.peers]]);
  metric('peercache_blocks', 'gauge', 'Blocks in the hosted cache.', [['', s.blocks]]);
  metric('peercache_cache_bytes', 'gauge', 'Bytes of blocks in the hosted cache.', [['', s.bytes]]);
  if (s.groupBindings !== undefined) metric('peercache_group_bindings', 'gauge', 'URL bindings in the group\'s book.', [['', s.groupBindings]]);
  if (s.groupSiteSafety !== undefined) {
    metric('peercache_group_site_safety_facts', 'gauge', 'Members\' facts of what sites\' CSPs allow.', [['', s.groupSiteSafety.facts]]);
    metric('peercache_group_safe_hosts', 'gauge', 'Hosts a counted member vouches data: URLs are safe for, none vetoing.', [['', s.groupSiteSafety.safeHosts]]);
  }
  metric('peercache_bytes_in_total', 'counter', 'Block payload bytes received from peers.', [['', s.counters.bytesIn]]);
  metric('peercache_bytes_out_total', 'counter', 'Block payload bytes served to peers.', [['', s.counters.bytesOut]]);
  metric(
    'peercache_block_requests_total',
    'counter',
    'Block requests answered, by outcome.',
    BLOCK_REQUEST_STATUSES.map((status) => [`{status="${status}"}`, s.counters.requests[status]]),
  );
  metric(
    'peercache_limited_total',
    'counter',
    'Streams a limit turned away before reading them, by limit (docs/ADMIN.md, "Limits of the LAN node").',
    NODE_LIMITS.map((limit) => [`{limit="${limit}"}`, s.counters.limited[limit]]),
  );
  return `${lines.join('\n')}\n`;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

function formatUptime(seconds: number): string {
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${d ? `${d}d ` : ''}${h}h ${m}m ${s % 60}s`;
}

/** The status page: who the node is and how busy it is. */
export function renderStatusPage(s: StatusSnapshot): string {
  const row = (name: string, value: string): string => `<tr><th>${escapeHtml(name)}</th><td>${value}</td></tr>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PeerCache LAN node</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}th{text-align:left;padding-right:1em;vertical-align:top}code{font-size:12px}</style>
</head><body><h1>PeerCache LAN node</h1><table>
${row('Version', escapeHtml(s.version))}
${row('Peer id', `<code>${escapeHtml(s.peerId)}</code>`)}
${row('Listening on', s.addresses.map((a) => `<code>${escapeHtml(a)}</code>`).join('<br>'))}
${row('Connected peers', String(s.peers))}
${row('Blocks', String(s.blocks))}
${row('Cache size', escapeHtml(formatBytes(s.bytes)))}
${s.groupBindings === undefined ? '' : row('Group bindings', String(s.groupBindings))}
${s.groupSiteSafety === undefined ? '' : row('Site-safety facts', `${s.groupSiteSafety.facts} (hosts vouched for, unvetoed: ${s.groupSiteSafety.safeHosts})`)}
${row('Served', escapeHtml(formatBytes(s.counters.bytesOut)))}
${row('Uptime', escapeHtml(formatUptime(s.uptimeSeconds)))}
</table><p><a href="/metrics">metrics</a></p></body></html>
`;
}

function isLanRemote(address: string | undefined): boolean {
  return address !== undefined && (isLanIPv4(address) || isLanIPv6(address.replace(/%.*$/, '')));
}

/** The host name of a `Host` header (lower case, without port or IPv6 brackets), or undefined. */
function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  try {
    return new URL(`http://${header}/`).hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  } catch {
    return undefined;
  }
}

/** An IP literal cannot be rebound; a name is trusted only when configured. */
function isOwnName(name: string | undefined, names: ReadonlySet<string>): boolean {
  return name !== undefined && (name === 'localhost' || isIP(name) !== 0 || names.has(name));
}

function answer(req: IncomingMessage, res: ServerResponse, snapshot: () => StatusSnapshot, names: ReadonlySet<string>): void {
  const send = (status: number, type: string, body: string): void => {
    res.writeHead(status, {
      'content-type': type,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (!isLanRemote(req.socket.remoteAddress)) return send(403, 'text/plain; charset=utf-8', 'local network only\n');
  if (!isOwnName(hostName(req.headers.host), names)) {
    return send(421, 'text/plain; charset=utf-8', 'unknown host name: browse to the node by its IP address, or add this name with --status-name\n');
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain; charset=utf-8', 'method not allowed\n');
  const path = new URL(req.url ?? '/', 'http://node').pathname;
  const s = snapshot();
  if (path === '/') return send(200, 'text/html; charset=utf-8', renderStatusPage(s));
  if (path === '/metrics') return send(200, 'text/plain; version=0.0.4; charset=utf-8', renderMetrics(s));
  if (path === '/healthz') return s.healthy ? send(200, 'text/plain; charset=utf-8', 'ok\n') : send(503, 'text/plain; charset=utf-8', 'stopping\n');
  return send(404, 'text/plain; charset=utf-8', 'not found\n');
}

/**
 * Creates the HTTP status server; `start()` binds it.
 *
 * @example
 * ```ts
 * const http = createHttpStatus({ host: '0.0.0.0', port: 4080, snapshot: () => node.snapshot() });
 * await http.start();
 * ```
 */
export function createHttpStatus(init: HttpStatusInit): HttpStatus {
  const names = new Set((init.names ?? []).map((n) => n.toLowerCase()));
  const server = createServer((req, res) => {
    try {
      answer(req, res, init.snapshot, names);
    } catch {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  });
  // Status pages are tiny; a client that dawdles is holding a socket for nothing.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  return {
    get port() {
      return (server.address() as AddressInfo | null)?.port ?? 0;
    },
    start: () =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(init.port, init.host, () => {
          server.off('error', reject);
          resolve();
        });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        // Keep-alive sockets (Prometheus scrapers) would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
