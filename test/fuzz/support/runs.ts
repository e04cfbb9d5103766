/**
 * How many cases each property runs, and a tally of them (issue 10, item 6).
 *
 * `FUZZ_RUNS` is the number of cases of a property of weight 1: `npm run fuzz` sets it high
 * (at least 100,000 cases in all), the normal `vitest run` leaves it at {@link CI_RUNS} so the
 * same properties cost CI a few seconds. A property whose case is expensive (a whole parse, a
 * digest) takes a weight below 1. `FUZZ_SEED` replays a run that failed (fast-check prints the
 * seed and path of every counterexample).
 *
 * Each file writes its tally to the directory the global setup (count-setup.ts) provides, and
 * the setup prints the total once every file has run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect, inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    fuzzCountDir: string;
  }
}

/** Cases per weight-1 property in an ordinary test run. */
export const CI_RUNS = 100;

const scale = Number(process.env.FUZZ_RUNS ?? CI_RUNS);
if (!Number.isInteger(scale) || scale < 1) throw new Error(`FUZZ_RUNS must be a positive integer, got ${process.env.FUZZ_RUNS}`);
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

/** Cases for a property of this weight (at least 10, so CI still explores). */
export const fuzzRuns = (weight = 1): number => Math.max(10, Math.round(scale * weight));

let tally = 0;

/**
 * `fc.assert` with the scaled number of runs, counted. Works for sync and async properties.
 *
 * @example
 * ```ts
 * it('round-trips', () => checkProperty(fc.property(fc.nat(), (n) => decode(encode(n)) === n)));
 * ```
 */
export async function checkProperty<T>(property: fc.IProperty<T> | fc.IAsyncProperty<T>, weight = 1): Promise<void> {
  const numRuns = fuzzRuns(weight);
  await fc.assert(property as fc.IAsyncProperty<T>, { numRuns, ...(seed === undefined ? {} : { seed }) });
  tally += numRuns;
}

/**
 * Fails unless `run` returns or throws one of `allowed` (named error classes): arbitrary input
 * must never surface a TypeError, a RangeError or an error of another module.
 */
export function onlyThrows<T>(run: () => T, ...allowed: Array<abstract new (...args: never[]) => Error>): T | Error {
  try {
    return run();
  } catch (error) {
    expect(allowed.some((type) => error instanceof type), `unexpected ${String(error)}`).toBe(true);
    return error as Error;
  }
}

afterAll(() => {
  const dir = inject('fuzzCountDir');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${process.pid}-${Math.random().toString(36).slice(2)}.json`), JSON.stringify({ cases: tally }));
});
