// Honest peers of bench/node-load.bench.ts, in a process of their own: each starts at a random
// moment of the load phase, from its own loopback address, and fetches a few random blocks at
// once (a page load), verified by hash (fetchBlock), timing each; then it leaves.
import { multiaddr } from '@multiformats/multiaddr';
import { fetchBlock } from '../../src/p2p/block/index.ts';
import { seededRandom, sleep, startBenchPeer, type WorkerTask } from './peer.ts';

/** One fetch: how long it took and how it ended ('found', 'refused', or an error's name). */
export interface FetchRecord {
  readonly ms: number;
  readonly outcome: string;
  /** The error's message, for the bench's breakdown of failures. */
  readonly why?: string;
}

export interface HonestTask extends WorkerTask {
  readonly peers: number;
  readonly fetchesEach: number;
}

const MiB = 1024 * 1024;

async function runPeer(task: HonestTask, index: number, startAt: number, picks: number[]): Promise<FetchRecord[]> {
  await sleep(startAt);
  // 127.0.2.1, 127.0.2.2, … : one machine per peer.
  const peer = await startBenchPeer(`127.0.${2 + (index >> 8)}.${(index & 255) + 1}`);
  const address = multiaddr(task.address);
  try {
    return await Promise.all(picks.map(async (b) => {
      const block = task.blocks[b]!;
      const t = performance.now();
      try {
        const r = await fetchBlock(peer, address, block.key, { maxBytes: 16 * MiB, timeoutMs: 30_000 });
        return { ms: performance.now() - t, outcome: r.status };
      } catch (e) {
        return { ms: performance.now() - t, outcome: (e as Error).name, why: (e as Error).message.slice(0, 80) };
      }
    }));
  } finally {
    await peer.stop();
  }
}

process.once('message', async (task: HonestTask) => {
  const random = seededRandom(task.seed);
  const plans = Array.from({ length: task.peers }, () => ({
    // Arrivals spread over the first 80 % of the phase, so every fetch ends inside it.
    startAt: Math.floor(random() * task.windowMs * 0.8),
    picks: Array.from({ length: task.fetchesEach }, () => Math.floor(random() * task.blocks.length)),
  }));
  const records = (await Promise.all(plans.map((p, i) => runPeer(task, i, p.startAt, p.picks)))).flat();
  const { user, system } = process.cpuUsage();
  process.send?.({ records, cpuMs: (user + system) / 1000 }, () => process.exit(0));
});
