import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { testCertificate } from './tls-cert.ts';

/** One request the origin saw. */
export interface SeenRequest {
  readonly host: string;
  readonly path: string;
  readonly method: string;
  readonly headers: IncomingMessage['headers'];
  readonly at: number;
  /** Body bytes written for it so far (less than the body when the client hung up early). */
  bytes: number;
}

/** A fixed response: body and headers. */
export interface StaticResponse {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body: string | Uint8Array;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** What shapes the network: latency before each response, per-connection bandwidth. */
export interface NetworkShape {
  latencyMs?: number;
  bytesPerSecond?: number;
}

export interface OriginServer {
  readonly port: number;
  /** Every request so far, in arrival order. */
  readonly seen: SeenRequest[];
  /** Serves `response` (or runs `handler`) for `https://<host><path>`; replaces an earlier route. */
  route(host: string, path: string, response: StaticResponse | Handler): void;
  /** How many requests reached `https://<host><path>` (path without query) since `since`. */
  hits(host: string, path: string, since?: number): number;
  /** Body bytes sent since `since` for requests `which` accepts (all by default). */
  bytesSent(since?: number, which?: (s: SeenRequest) => boolean): number;
  close(): Promise<void>;
}

const CHUNK = 16 * 1024;

async function send(res: ServerResponse, r: StaticResponse, shape: NetworkShape, seen: SeenRequest): Promise<void> {
  const body = typeof r.body === 'string' ? Buffer.from(r.body) : Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength);
  res.writeHead(r.status ?? 200, { 'content-length': String(body.length), ...r.headers });
  if (!shape.bytesPerSecond) {
    res.end(body);
    seen.bytes += body.length;
    return;
  }
  // Pace the body so a connection carries at most bytesPerSecond (bounded: the body is finite).
  for (let off = 0; off < body.length; off += CHUNK) {
    // A client that hung up (Firefox closes a response PeerCache answers) is sent no more.
    if (res.destroyed) return;
    const piece = body.subarray(off, off + CHUNK);
    res.write(piece);
    seen.bytes += piece.length;
    await new Promise((r) => setTimeout(r, (piece.length / shape.bytesPerSecond!) * 1000));
  }
  res.end();
}

/**
 * A loopback HTTPS origin for e2e tests and benchmarks, serving every test host name (see
 * tls-cert.ts) from one port, recording every request so tests can assert "the origin saw
 * zero requests for this file". Listens on 127.0.0.1 only.
 */
export async function startOriginServer(opts: { port?: number } & NetworkShape = {}): Promise<OriginServer> {
  const routes = new Map<string, StaticResponse | Handler>();
  const seen: SeenRequest[] = [];
  const shape: NetworkShape = { latencyMs: opts.latencyMs ?? 0, bytesPerSecond: opts.bytesPerSecond ?? 0 };
  const server: Server = createServer({ ...testCertificate() }, (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const path = (req.url ?? '/').split('?')[0] as string;
    const request: SeenRequest = { host, path, method: req.method ?? 'GET', headers: req.headers, at: Date.now(), bytes: 0 };
    seen.push(request);
    const route = routes.get(`${host}${path}`);
    setTimeout(() => {
      if (!route && path === '/favicon.ico') {
        // Browsers ask every site for one; a 404 would put an error in the console of the
        // first visit only, which tests comparing console errors must not see.
        res.writeHead(204, { 'cache-control': 'max-age=86400' }).end();
      } else if (!route) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      } else if (typeof route === 'function') {
        route(req, res);
      } else {
        void send(res, route, shape, request);
      }
    }, shape.latencyMs);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 443, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    seen,
    route: (host, path, response) => void routes.set(`${host}${path}`, response),
    hits: (host, path, since = 0) => seen.filter((s) => s.host === host && s.path === path && s.at >= since).length,
    bytesSent: (since = 0, which = () => true) => seen.reduce((n, s) => n + (s.at >= since && which(s) ? s.bytes : 0), 0),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
