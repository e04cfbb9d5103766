// The baselines webrtc.bench.ts compares against, measured by scenario.ts in the same namespace
// right after the browsers are gone (so they do not share the CPU with them): raw TCP moving the
// same bytes and the block protocol between two Node peers over TCP (block.bench.ts), and a
// libp2p TCP dial.
import { addressOf, delay, startNode } from '../../test/integration/p2p/block/nodes.ts';
import { blockOverTcp, rawTcp } from '../block.bench.ts';
import { BULK_RUNS, SETUP_RUNS, SMALL_RUNS } from './runs.ts';

export interface Baselines {
  nodeBulkMs: number[];
  nodeSmallMs: number[];
  rawBulkMs: number[];
  rawSmallMs: number[];
  tcpDialMs: number[];
}

/** ms from dial() to a connection between two Node peers over TCP (noise, yamux), `runs` times. */
async function tcpDials(runs: number): Promise<number[]> {
  const [a, b] = [await startNode(), await startNode()];
  try {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await b.dial(addressOf(a), { signal: AbortSignal.timeout(10_000) });
      times.push(performance.now() - t);
      await b.hangUp(a.peerId, { signal: AbortSignal.timeout(5_000) });
      // libp2p resets more than 5 inbound connections per second from one host.
      await delay(250);
    }
    return times;
  } finally {
    await b.stop();
    await a.stop();
  }
}

export async function baselines(big: Uint8Array, small: Uint8Array): Promise<Baselines> {
  const node = await blockOverTcp(big, small, BULK_RUNS, SMALL_RUNS);
  return {
    nodeBulkMs: node.bulk,
    nodeSmallMs: node.small,
    rawBulkMs: (await rawTcp(big, BULK_RUNS)).bulk,
    rawSmallMs: (await rawTcp(small, SMALL_RUNS)).bulk,
    tcpDialMs: await tcpDials(SETUP_RUNS),
  };
}
