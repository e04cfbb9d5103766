// A seeded pseudo-random generator and the draws the office trace needs (uniform, log-uniform,
// Zipf, Gaussian). Deterministic on every machine, so the same seed gives the same web and the
// same day everywhere, and N=10's browsers are the first ten of N=50's.

/** A generator of numbers in [0, 1): mulberry32 (32-bit state, fast, good enough for a trace). */
export type Random = () => number;

/** mulberry32 seeded with `seed` (any 32-bit integer). */
export function seeded(seed: number): Random {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from a text (FNV-1a), so each file and browser has its own stream. */
export function seedOf(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const c of parts.join('\u0000')) {
    h ^= c.charCodeAt(0);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** An integer in [min, max]. */
export const intIn = (r: Random, min: number, max: number): number => min + Math.floor(r() * (max - min + 1));

/** A size in [min, max], uniform on a log scale (many small files, a few large ones). */
export const logUniform = (r: Random, min: number, max: number): number => Math.round(Math.exp(Math.log(min) + r() * (Math.log(max) - Math.log(min))));

/** A standard normal draw (Box-Muller). */
export function gaussian(r: Random): number {
  const u = Math.max(r(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

/** Zipf weights 1/rank^s for ranks 1..n. */
export const zipfWeights = (n: number, s = 1): number[] => Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s);

/** An index drawn with the given (unnormalised) weights. */
export function pick(r: Random, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let x = r() * total;
  for (let i = 0; i < weights.length; i++) if ((x -= weights[i]!) < 0) return i;
  return weights.length - 1;
}

/** `count` distinct indices drawn with the given weights (fewer when there are fewer). */
export function pickDistinct(r: Random, weights: readonly number[], count: number): number[] {
  const w = [...weights];
  const out: number[] = [];
  while (out.length < Math.min(count, w.length) && w.some((x) => x > 0)) {
    const i = pick(r, w);
    out.push(i);
    w[i] = 0;
  }
  return out;
}

/** `n` pseudo-random bytes from `seed` (xorshift32, fast for megabytes). */
export function randomBytes(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed || 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
