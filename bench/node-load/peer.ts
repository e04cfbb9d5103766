// Simulated LAN peers of bench/node-load.bench.ts, built as test/integration/node/harness.ts
// builds a client (TCP, noise, yamux, the LAN gater), each dialling from a loopback address of
// its own (127.0.0.0/8 is all loopback on Linux), as each browser of an office comes from its
// own machine: the node's per-address caps see them apart. Their noise is the LAN node's
// (OpenSSL) rather than stock: on one shared machine the peers' CPU competes with the node's,
// and what 200 browsers spend on their own machines should not slow the node measured here.
import type { Libp2p } from '@libp2p/interface';
import { tcp, type TCPSocketOptions } from '@libp2p/tcp';
import { yamux } from '@libp2p/yamux';
import { createLibp2p } from 'libp2p';
import { lanNodeNoise } from '../../src/node/noise-crypto.ts';
import { createLanGater } from '../../src/p2p/lan-gate.ts';

/** A block the node hosts. */
export interface HostedBlock {
  readonly key: string;
  readonly size: number;
}

/** What a worker is told. */
export interface WorkerTask {
  /** The node's TCP multiaddr with /p2p/<id>. */
  readonly address: string;
  readonly blocks: readonly HostedBlock[];
  /** The load phase lasts this long from the worker's start. */
  readonly windowMs: number;
  readonly seed: number;
}

/** A libp2p peer whose TCP connections leave from `localAddress`. */
export function startBenchPeer(localAddress: string): Promise<Libp2p> {
  // @libp2p/tcp passes dialOpts through to net.connect, localAddress included (its type omits it).
  const dialOpts = { localAddress } as TCPSocketOptions;
  return createLibp2p({
    transports: [tcp({ dialOpts })],
    connectionEncrypters: [lanNodeNoise()],
    streamMuxers: [yamux()],
    connectionGater: createLanGater(),
  });
}

/** Deterministic numbers in [0, 1), so runs pick the same blocks: the office trace's generator. */
export { seeded as seededRandom } from '../office/prng.ts';

/** The p-th percentile (0..100) of `xs`, nearest rank; NaN when empty. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
