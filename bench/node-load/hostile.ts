// Misbehaving peers of bench/node-load.bench.ts, in a process of their own, each kind from a
// loopback address of its own and all until the load phase ends:
// - slowloris: a few peers keep every stream libp2p lets them open asking for the largest
//   block and never read (paused: yamux grants no window beyond its first 256 KiB);
// - minting: the same from one address, with a new peer id every 200 ms (libp2p lets a host
//   open 5 connections a second), each id kept, to get past per-peer limits;
// - garbage: a new peer id each time sends a malformed request, then asks for a block;
// - greedy: two peers fetch the largest block over and over, 8 streams each, reading properly.
import type { Libp2p, Stream } from '@libp2p/interface';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { keyToMultihash } from '../../src/core/integrity/index.ts';
import { BLOCK_PROTOCOL, encodeRequest, fetchBlock } from '../../src/p2p/block/index.ts';
import { sleep, startBenchPeer, type WorkerTask } from './peer.ts';

export interface HostileTask extends WorkerTask {
  readonly slowlorisPeers: number;
  readonly streamsPerPeer: number;
  readonly mintedMax: number;
  readonly garbageMax: number;
}

const MiB = 1024 * 1024;
const counts: Record<string, number> = {};
const count = (what: string): void => void (counts[what] = (counts[what] ?? 0) + 1);

/**
 * One stalled stream: asks for `key` and never reads. Resolves when the node refused it (one
 * byte, then its end), reset it, or the phase ended.
 */
async function stall(peer: Libp2p, address: Multiaddr, key: string, until: number): Promise<void> {
  let stream: Stream;
  try {
    stream = await peer.dialProtocol(address, BLOCK_PROTOCOL, { signal: AbortSignal.timeout(5_000) });
  } catch {
    count('stall: stream not opened');
    return sleep(500);
  }
  count('stall: streams opened');
  stream.pause();
  try {
    stream.send(encodeRequest(keyToMultihash(key).bytes));
    await stream.close({ signal: AbortSignal.timeout(5_000) });
  } catch {
    count('stall: reset before the request was sent');
    return sleep(200);
  }
  const opened = Date.now();
  // A refusal is one byte and the end of the node's side; an answer fills our window, and the
  // node resets the stream once it gave up waiting for us to read.
  const refused = (): boolean => stream.readBufferLength === 1 && stream.remoteWriteStatus === 'closed';
  while (Date.now() < until && stream.status === 'open' && !refused()) await sleep(100);
  if (refused()) count('stall: refused');
  else if (stream.status === 'open') count('stall: still held at the end');
  else {
    count('stall: reset by the node');
    held.push(Date.now() - opened);
  }
  stream.abort(new Error('done'));
  return sleep(200);
}

/** How long each stalled stream was held before the node reset it (ms). */
const held: number[] = [];

async function stallLoops(peer: Libp2p, address: Multiaddr, key: string, streams: number, until: number): Promise<void> {
  await Promise.all(Array.from({ length: streams }, async () => {
    while (Date.now() < until) await stall(peer, address, key, until);
  }));
}

async function slowloris(task: HostileTask, address: Multiaddr, key: string, until: number, peers: Libp2p[]): Promise<void> {
  await Promise.all(Array.from({ length: task.slowlorisPeers }, async () => {
    const peer = await startBenchPeer('127.0.1.1');
    peers.push(peer);
    await stallLoops(peer, address, key, task.streamsPerPeer, until);
  }));
}

async function minting(task: HostileTask, address: Multiaddr, key: string, until: number, peers: Libp2p[]): Promise<void> {
  const loops: Promise<void>[] = [];
  for (let i = 0; i < task.mintedMax && Date.now() < until; i++) {
    const peer = await startBenchPeer('127.0.1.2');
    peers.push(peer);
    try {
      await peer.dial(address, { signal: AbortSignal.timeout(5_000) });
      count('minting: ids connected');
      loops.push(stallLoops(peer, address, key, task.streamsPerPeer, until));
    } catch {
      count('minting: ids refused a connection');
      await peer.stop();
    }
    await sleep(200);
  }
  await Promise.all(loops);
}

async function garbage(task: HostileTask, address: Multiaddr, key: string, until: number): Promise<void> {
  for (let i = 0; i < task.garbageMax && Date.now() < until; i++) {
    const peer = await startBenchPeer('127.0.1.3');
    try {
      const stream = await peer.dialProtocol(address, BLOCK_PROTOCOL, { signal: AbortSignal.timeout(5_000) });
      // A 10-byte varint: no request starts like this.
      stream.send(new Uint8Array(10).fill(0xff));
      await stream.close({ signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
      for (let w = 0; w < 50 && stream.status === 'open'; w++) await sleep(20);
      count(stream.status === 'reset' || stream.status === 'aborted' ? 'garbage: reset' : `garbage: stream ${stream.status}`);
      const after = await fetchBlock(peer, address, key, { maxBytes: 16 * MiB, timeoutMs: 10_000 }).catch((e: Error) => ({ status: e.name }));
      count(`garbage: then asked for a block, ${after.status}`);
    } catch (e) {
      count(`garbage: ${(e as Error).name}`);
      await sleep(200);
    } finally {
      await peer.stop();
    }
  }
}

async function greedy(address: Multiaddr, key: string, until: number, peers: Libp2p[]): Promise<void> {
  await Promise.all(Array.from({ length: 2 }, async () => {
    const peer = await startBenchPeer('127.0.1.4');
    peers.push(peer);
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (Date.now() < until) {
        const r = await fetchBlock(peer, address, key, { maxBytes: 16 * MiB, timeoutMs: 30_000 }).catch((e: Error) => ({ status: e.name }));
        count(`greedy: ${r.status}`);
        if (r.status !== 'found') await sleep(200);
      }
    }));
  }));
}

process.once('message', async (task: HostileTask) => {
  const until = Date.now() + task.windowMs;
  const address = multiaddr(task.address);
  const largest = [...task.blocks].sort((a, b) => b.size - a.size)[0]!.key;
  const smallest = [...task.blocks].sort((a, b) => a.size - b.size)[0]!.key;
  const peers: Libp2p[] = [];
  await Promise.all([
    slowloris(task, address, largest, until, peers),
    minting(task, address, largest, until, peers),
    garbage(task, address, smallest, until),
    greedy(address, largest, until, peers),
  ]);
  await Promise.allSettled(peers.map((p) => p.stop()));
  held.sort((a, b) => a - b);
  if (held.length > 0) counts['stall: median ms held before the reset'] = held[held.length >> 1]!;
  const { user, system } = process.cpuUsage();
  process.send?.({ counts, cpuMs: (user + system) / 1000 }, () => process.exit(0));
});
