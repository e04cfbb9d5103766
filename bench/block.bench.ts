// Block transfer between two Node peers on loopback: the block protocol over libp2p (TCP,
// noise, yamux; verified by hash) against a raw TCP socket moving the same bytes, measured in
// the same run. Also the time to a whole 100 kB block on a warm connection.
// Browser-to-browser WebRTC: webrtc.bench.ts, against these same baselines.
import { createServer, connect, type AddressInfo } from 'node:net';
import { createBlockServer, fetchBlock } from '../src/p2p/block/index.ts';
import { addressOf, bytesOf, keyOf, startNode } from '../test/integration/p2p/block/nodes.ts';

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** ms to receive `size` bytes over a fresh raw TCP connection (request byte in, bytes out). */
export async function rawTcp(payload: Uint8Array, runs: number): Promise<{ bulk: number[]; small: number[] }> {
  const server = createServer((s) => s.once('data', () => s.end(payload)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const once = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const t = performance.now();
      let got = 0;
      const c = connect(port, '127.0.0.1', () => c.write('x'));
      c.on('data', (d) => (got += d.length));
      c.on('end', () => (got === payload.length ? resolve(performance.now() - t) : reject(new Error(`got ${got}`))));
      c.on('error', reject);
    });
  const bulk: number[] = [];
  for (let i = 0; i < runs; i++) bulk.push(await once());
  server.close();
  return { bulk, small: [] };
}

/**
 * ms per fetchBlock of a `big` and a `small` block between two Node peers over TCP (noise,
 * yamux) on one warm connection, after one warm-up: `bigRuns` and `smallRuns` samples.
 */
export async function blockOverTcp(big: Uint8Array, small: Uint8Array, bigRuns: number, smallRuns: number): Promise<{ bulk: number[]; small: number[] }> {
  const [bigKey, smallKey] = [await keyOf(big), await keyOf(small)];
  const serverNode = await startNode();
  const client = await startNode();
  try {
    const server = createBlockServer({ getBlock: async (k) => (k === bigKey ? { status: 'found', bytes: big } : k === smallKey ? { status: 'found', bytes: small } : { status: 'not-found' }) });
    await serverNode.handle(server.protocol, server.handler, { maxInboundStreams: server.maxInboundStreams });
    const peer = addressOf(serverNode);
    await client.dial(peer);
    const get = async (key: string): Promise<number> => {
      const t = performance.now();
      const r = await fetchBlock(client, peer, key, { maxBytes: big.length });
      if (r.status !== 'found') throw new Error('not found');
      return performance.now() - t;
    };
    await get(bigKey); // warm-up
    const bulk: number[] = [];
    for (let i = 0; i < bigRuns; i++) bulk.push(await get(bigKey));
    const smallTimes: number[] = [];
    for (let i = 0; i < smallRuns; i++) smallTimes.push(await get(smallKey));
    return { bulk, small: smallTimes };
  } finally {
    await client.stop();
    await serverNode.stop();
  }
}

export async function run(): Promise<string[]> {
  const big = bytesOf(10 * 1024 * 1024, 7);
  const small = bytesOf(100_000, 3);
  const block = await blockOverTcp(big, small, 7, 21);
  const raw = await rawTcp(big, 7);
  const rawSmall = await rawTcp(small, 21);
  const mbps = (ms: number): string => ((big.length * 8) / 1e6 / (ms / 1000)).toFixed(0);
  const [b, r] = [median(block.bulk), median(raw.bulk)];
  return [
    'block transfer on loopback (Node peers, 2 cores shared), medians',
    `10 MiB  block protocol ${b.toFixed(1).padStart(7)} ms  ${mbps(b).padStart(5)} Mbit/s   raw TCP ${r.toFixed(1).padStart(6)} ms  ${mbps(r).padStart(5)} Mbit/s   block/raw throughput ${(r / b).toFixed(2)}x`,
    `100 kB  block protocol ${median(block.small).toFixed(2).padStart(7)} ms (warm connection, hash checked)   raw TCP ${median(rawSmall.bulk).toFixed(2)} ms (new connection)`,
  ];
}
