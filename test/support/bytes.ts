/** Test bytes and their store keys, computed by the core as the extension and the LAN node compute them. */
import { computeDigest, sriEntryToKey, type SriAlgorithm } from '../../src/core/integrity/index.ts';

/** The multihash key (base64url) of `bytes`: sha384 as learning binds, or another SRI algorithm. */
export async function keyOf(bytes: Uint8Array, algorithm: SriAlgorithm = 'sha384'): Promise<string> {
  return sriEntryToKey({ algorithm, digest: await computeDigest(algorithm, bytes) });
}

/** Deterministic pseudo-random bytes (xorshift): other seeds give other contents, and a failing size is reproducible. */
export function bytesOf(length: number, seed = 1): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
