// Verification cost: every byte PeerCache stores or serves is hashed first. This compares the
// core's WebCrypto path (what the extension runs) with Node's native `crypto` hash (the
// baseline, measured in the same run), per algorithm and size.
import { createHash } from 'node:crypto';
import { computeDigest, type SriAlgorithm } from '../src/core/integrity/index.ts';

const SIZES = [64 * 1024, 1024 * 1024, 16 * 1024 * 1024];
const ALGS: SriAlgorithm[] = ['sha256', 'sha384', 'sha512'];

/** Median seconds of `runs` calls of `fn`, after one warm-up call. */
async function median(runs: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push((performance.now() - t) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

export async function run(): Promise<string[]> {
  const lines = ['verify: WebCrypto digest (core) vs node:crypto createHash (baseline), median of runs', 'alg     size      core MB/s  baseline MB/s  core/baseline'];
  for (const alg of ALGS) {
    for (const size of SIZES) {
      const bytes = new Uint8Array(size).map((_, i) => (i * 31) & 255);
      const runs = size >= 16 * 1024 * 1024 ? 7 : 31;
      const core = await median(runs, () => computeDigest(alg, bytes));
      const base = await median(runs, () => createHash(alg).update(bytes).digest());
      const mbps = (s: number): string => (size / 1e6 / s).toFixed(0).padStart(9);
      lines.push(`${alg.padEnd(7)} ${`${size / 1024} KiB`.padEnd(9)} ${mbps(core)}  ${mbps(base)}      ${(base / core).toFixed(2)}x`);
    }
  }
  return lines;
}
