// Block transfer between two Node peers on loopback: the block protocol over libp2p (TCP,
// noise, yamux; verified by hash) against a raw TCP socket moving the same bytes, measured in
// the same run: both peers in this process, then node to node (the server in a process of its
// own, as on another machine; raw TCP likewise). Also the time to a whole 100 kB block on a
// warm connection, and the LAN node's noise against stock noise crypto (what it ran before).
// Browser-to-browser WebRTC: webrtc.bench.ts, against these same baselines.
import { noise } from '@chainsafe/libp2p-noise';
import { multiaddr } from '@multiformats/multiaddr';
import { fork, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, connect, type AddressInfo } from 'node:net';
import { noiseCrypto } from '../src/node/noise-crypto.ts';
import { BODY_WRITE_BYTES } from '../src/p2p/block/server.ts';
import { createBlockServer, fetchBlock } from '../src/p2p/block/index.ts';
import { addressOf, bytesOf, keyOf, startNode } from '../test/integration/p2p/block/nodes.ts';

/** block-peer.ts's bare stream: no request, the bytes in the block server's pieces, the end. */
export const BARE_STREAM_PROTOCOL = '/peercache-bench/stream/1.0.0';

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** A raw TCP server that sends `payload` for any request byte; `fetch` times one fresh connection. */
async function rawServer(payload: Uint8Array): Promise<{ fetch(): Promise<number>; close(): void }> {
  const server = createServer((s) => s.once('data', () => s.end(payload)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return { fetch: () => rawFetch(port, payload.length), close: () => void server.close() };
}

/** ms to receive `size` bytes over a fresh raw TCP connection (request byte in, bytes out). */
export async function rawTcp(payload: Uint8Array, runs: number): Promise<{ bulk: number[]; small: number[] }> {
  const server = await rawServer(payload);
  const bulk: number[] = [];
  for (let i = 0; i < runs; i++) bulk.push(await server.fetch());
  server.close();
  return { bulk, small: [] };
}

/** ms to receive `length` bytes from a raw TCP server on `port` over a fresh connection. */
function rawFetch(port: number, length: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    let got = 0;
    const c = connect(port, '127.0.0.1', () => c.write('x'));
    c.on('data', (d) => (got += d.length));
    c.on('end', () => (got === length ? resolve(performance.now() - t) : reject(new Error(`got ${got}`))));
    c.on('error', reject);
  });
}

/** Two Node peers in this process over TCP (noise, yamux), connected, the server holding `blocks`. */
async function blockPair(blocks: Uint8Array[], encrypter?: ReturnType<typeof noise>): Promise<{ get(bytes: Uint8Array): Promise<number>; stop(): Promise<void> }> {
  const held = new Map<string, Uint8Array>();
  const keys = new Map<Uint8Array, string>(); // hashed once: a digest per sample would add its garbage to the timed transfer
  for (const bytes of blocks) {
    const key = await keyOf(bytes);
    held.set(key, bytes);
    keys.set(bytes, key);
  }
  const serverNode = await startNode(encrypter);
  const client = await startNode(encrypter);
  const server = createBlockServer({ getBlock: async (k) => { const bytes = held.get(k); return bytes ? { status: 'found', bytes } : { status: 'not-found' }; } });
  await serverNode.handle(server.protocol, server.handler, { maxInboundStreams: server.maxInboundStreams });
  const peer = addressOf(serverNode);
  await client.dial(peer);
  const maxBytes = Math.max(...blocks.map((b) => b.length));
  return {
    async get(bytes) {
      const key = keys.get(bytes);
      if (key === undefined) throw new Error('not a block of this pair');
      const t = performance.now();
      const r = await fetchBlock(client, peer, key, { maxBytes });
      if (r.status !== 'found') throw new Error('not found');
      return performance.now() - t;
    },
    async stop() {
      await client.stop();
      await serverNode.stop();
    },
  };
}

/**
 * ms per fetchBlock of a `big` and a `small` block between two Node peers over TCP (noise,
 * yamux) on one warm connection, after one warm-up: `bigRuns` and `smallRuns` samples.
 */
export async function blockOverTcp(big: Uint8Array, small: Uint8Array, bigRuns: number, smallRuns: number): Promise<{ bulk: number[]; small: number[] }> {
  const pair = await blockPair([big, small]);
  try {
    await pair.get(big); // warm-up
    const bulk: number[] = [];
    for (let i = 0; i < bigRuns; i++) bulk.push(await pair.get(big));
    const smallTimes: number[] = [];
    for (let i = 0; i < smallRuns; i++) smallTimes.push(await pair.get(small));
    return { bulk, small: smallTimes };
  } finally {
    await pair.stop();
  }
}

/**
 * Both peers in this process, samples interleaved so all see the same load: `big` by the block
 * protocol with the LAN node's noise and with stock noise crypto (what it ran before), and by
 * raw TCP; then `small` by the block protocol (warm connection) and raw TCP (new connection).
 */
async function inProcess(big: Uint8Array, small: Uint8Array, bigRuns: number, smallRuns: number) {
  const [lan, stock, raw, rawSmall] = [await blockPair([big, small]), await blockPair([big], noise()), await rawServer(big), await rawServer(small)];
  try {
    await lan.get(big); // warm-up
    await stock.get(big);
    const out = { block: [] as number[], stock: [] as number[], raw: [] as number[], blockSmall: [] as number[], rawSmall: [] as number[] };
    for (let i = 0; i < bigRuns; i++) {
      out.block.push(await lan.get(big));
      out.stock.push(await stock.get(big));
      out.raw.push(await raw.fetch());
    }
    for (let i = 0; i < smallRuns; i++) {
      out.blockSmall.push(await lan.get(small));
      out.rawSmall.push(await rawSmall.fetch());
    }
    return out;
  } finally {
    await Promise.all([lan.stop(), stock.stop()]);
    raw.close();
    rawSmall.close();
  }
}

/** A bench/block-peer.ts process serving `bytesOf(size, seed)`, and what it first says. */
async function peerProcess(mode: 'block' | 'stream' | 'raw', size: number, seed: number): Promise<{ child: ChildProcess; hello: { address?: string; port?: number } }> {
  const child = fork(new URL('./block-peer.ts', import.meta.url), [mode, String(size), String(seed)], { execPath: process.execPath });
  const [hello] = (await once(child, 'message')) as [{ address?: string; port?: number }];
  return { child, hello };
}

/** CPU ms the peer process has used so far. */
async function cpuOf(child: ChildProcess): Promise<number> {
  child.send('cpu');
  const [{ cpuMs }] = (await once(child, 'message')) as [{ cpuMs: number }];
  return cpuMs;
}

interface Apart {
  readonly ms: number[];
  readonly clientCpuMs: number[];
  readonly serverCpuMs: number[];
}

/**
 * Node to node: `big` from a server in a process of its own, by the block protocol (LAN node
 * settings, one warm connection) and by raw TCP (a fresh connection each), samples interleaved
 * so both see the same load; with each side's CPU time per transfer.
 */
export async function nodeToNode(big: Uint8Array, seed: number, runs: number): Promise<{ block: Apart; stream: Apart; raw: Apart }> {
  const key = await keyOf(big);
  const [blockPeer, streamPeer, rawPeer] = [await peerProcess('block', big.length, seed), await peerProcess('stream', big.length, seed), await peerProcess('raw', big.length, seed)];
  const client = await startNode();
  try {
    const peer = multiaddr(blockPeer.hello.address!);
    const viaBlock = async (): Promise<void> => {
      const r = await fetchBlock(client, peer, key, { maxBytes: big.length });
      if (r.status !== 'found') throw new Error('not found');
    };
    const streamAddress = multiaddr(streamPeer.hello.address!);
    // The same bytes down a bare libp2p stream, counted and dropped: no request, no hash.
    const viaStream = async (): Promise<void> => {
      const stream = await client.dialProtocol(streamAddress, BARE_STREAM_PROTOCOL);
      let got = 0;
      await new Promise<void>((resolve, reject) => {
        stream.addEventListener('message', (e) => void (got += e.data.byteLength));
        stream.addEventListener('close', (e) => (e.error ? reject(e.error) : resolve()));
        void stream.close().catch(reject);
      });
      if (got !== big.length) throw new Error(`bare stream: got ${got}`);
    };
    const viaRaw = async (): Promise<void> => void (await rawFetch(rawPeer.hello.port!, big.length));
    const measure = async (fetchOnce: () => Promise<void>, child: ChildProcess, into: Apart): Promise<void> => {
      const [server0, client0, t] = [await cpuOf(child), process.cpuUsage(), performance.now()];
      await fetchOnce();
      const ms = performance.now() - t;
      const { user, system } = process.cpuUsage(client0);
      into.ms.push(ms);
      into.clientCpuMs.push((user + system) / 1000);
      into.serverCpuMs.push((await cpuOf(child)) - server0);
    };
    await viaBlock(); // warm-up: dial, and the first transfer's code paths
    await viaStream();
    await viaRaw();
    const block: Apart = { ms: [], clientCpuMs: [], serverCpuMs: [] };
    const stream: Apart = { ms: [], clientCpuMs: [], serverCpuMs: [] };
    const raw: Apart = { ms: [], clientCpuMs: [], serverCpuMs: [] };
    for (let i = 0; i < runs; i++) {
      await measure(viaBlock, blockPeer.child, block);
      await measure(viaStream, streamPeer.child, stream);
      await measure(viaRaw, rawPeer.child, raw);
    }
    return { block, stream, raw };
  } finally {
    await client.stop();
    blockPeer.child.disconnect();
    streamPeer.child.disconnect();
    rawPeer.child.disconnect();
  }
}

/**
 * The work no noise-encrypted, hash-verified transfer of `big` can skip, each timed alone (ms,
 * medians): sealing it in noise messages as the server writes them, opening them, and hashing
 * it (SHA-256, Node). In one process they add up; node to node the server seals while the
 * client opens and hashes.
 */
function cryptoFloor(big: Uint8Array, runs: number): { seal: number; open: number; hash: number } {
  const k = randomBytes(32);
  const nonce = new Uint8Array(12);
  const none = new Uint8Array(0);
  const sealAll = (): Uint8Array[] => {
    const sealed: Uint8Array[] = [];
    for (let at = 0; at < big.length; at += BODY_WRITE_BYTES) {
      const out = noiseCrypto.chaCha20Poly1305Encrypt(big.subarray(at, at + BODY_WRITE_BYTES + 12), nonce, none, k);
      sealed.push(out instanceof Uint8Array ? out : out.subarray());
    }
    return sealed;
  };
  const sealed = sealAll();
  const time = (fn: () => unknown): number => {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      fn();
      times.push(performance.now() - t);
    }
    return median(times);
  };
  return {
    seal: time(sealAll),
    open: time(() => sealed.forEach((m) => noiseCrypto.chaCha20Poly1305Decrypt(m, nonce, none, k))),
    hash: time(() => createHash('sha256').update(big).digest()),
  };
}

export async function run(): Promise<string[]> {
  const big = bytesOf(10 * 1024 * 1024, 7);
  const small = bytesOf(100_000, 3);
  const one = await inProcess(big, small, 21, 21);
  const apart = await nodeToNode(big, 7, 15);
  const floor = cryptoFloor(big, 7);
  const mbps = (ms: number): string => ((big.length * 8) / 1e6 / (ms / 1000)).toFixed(0);
  const mBps = (ms: number): string => (big.length / 1e6 / (ms / 1000)).toFixed(0);
  const [b, r, s] = [median(one.block), median(one.raw), median(one.stock)];
  const [ab, ar] = [median(apart.block.ms), median(apart.raw.ms)];
  const cpu = (x: Apart): string => `client ${median(x.clientCpuMs).toFixed(1).padStart(5)} ms, server ${median(x.serverCpuMs).toFixed(1).padStart(5)} ms`;
  return [
    'block transfer on loopback (Node peers, 2 cores shared), medians of interleaved runs',
    `10 MiB  block protocol ${b.toFixed(1).padStart(7)} ms  ${mbps(b).padStart(5)} Mbit/s   raw TCP ${r.toFixed(1).padStart(6)} ms  ${mbps(r).padStart(5)} Mbit/s   block/raw throughput ${(r / b).toFixed(2)}x`,
    `100 kB  block protocol ${median(one.blockSmall).toFixed(2).padStart(7)} ms (warm connection, hash checked)   raw TCP ${median(one.rawSmall).toFixed(2)} ms (new connection)`,
    `10 MiB  in one process:  block protocol ${mBps(b).padStart(5)} MB/s   raw TCP ${mBps(r).padStart(5)} MB/s   block/raw ${(r / b).toFixed(2)}x`,
    `10 MiB  stock noise crypto (before the LAN node's, same client and server) ${s.toFixed(1).padStart(6)} ms ${mBps(s).padStart(5)} MB/s   block/raw ${(r / s).toFixed(2)}x   LAN node's noise/stock ${(s / b).toFixed(2)}x`,
    `10 MiB  node to node (server in its own process): block protocol ${ab.toFixed(1).padStart(6)} ms ${mBps(ab).padStart(5)} MB/s   raw TCP ${ar.toFixed(1).padStart(6)} ms ${mBps(ar).padStart(5)} MB/s   block/raw ${(ar / ab).toFixed(2)}x`,
    `        bare libp2p stream (TCP, noise, yamux; the same bytes, no request, no hash) ${median(apart.stream.ms).toFixed(1).padStart(6)} ms ${mBps(median(apart.stream.ms)).padStart(5)} MB/s   stream/raw ${(ar / median(apart.stream.ms)).toFixed(2)}x   block/stream ${(median(apart.stream.ms) / ab).toFixed(2)}x`,
    `        CPU per 10 MiB, node to node: block protocol ${cpu(apart.block)}   bare stream ${cpu(apart.stream)}   raw TCP ${cpu(apart.raw)}`,
    `10 MiB  floor: noise seal ${floor.seal.toFixed(1)} ms, open ${floor.open.toFixed(1)} ms, SHA-256 ${floor.hash.toFixed(1)} ms: at best block/raw ${(r / (r + floor.seal + floor.open + floor.hash)).toFixed(2)}x in one process, ${(ar / Math.max(ar + floor.seal, ar + floor.open + floor.hash)).toFixed(2)}x node to node`,
  ];
}
