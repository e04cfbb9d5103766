/**
 * SHA-2 digests through WebCrypto, the one hashing API that exists unchanged in every
 * extension context, in Node 24 and in vitest (src/core takes no Node `crypto`).
 */
import { algorithmInfo, type SriAlgorithm } from './algorithms.ts';
import { InvalidDigestLengthError } from './errors.ts';

/** Bytes as WebCrypto accepts them. */
export type BytesLike = Uint8Array | ArrayBuffer;

/** A digest and the algorithm that produced it. */
export interface ExpectedDigest {
  readonly algorithm: SriAlgorithm;
  readonly digest: Uint8Array;
}

/** The default `SubtleCrypto`, looked up on each call so tests may replace it. */
function defaultSubtle(): SubtleCrypto {
  return globalThis.crypto.subtle;
}

/**
 * Compute the `algorithm` digest of `bytes`.
 *
 * @example
 * ```ts
 * const d = await computeDigest('sha256', new TextEncoder().encode('abc'));
 * // d.length === 32
 * ```
 */
export async function computeDigest(
  algorithm: SriAlgorithm,
  bytes: BytesLike,
  subtle: SubtleCrypto = defaultSubtle(),
): Promise<Uint8Array> {
  const { webCryptoName } = algorithmInfo(algorithm);
  return new Uint8Array(await subtle.digest(webCryptoName, toBufferSource(bytes)));
}

/**
 * True if `bytes` hash to `expected.digest` under `expected.algorithm`. A digest of the
 * wrong length is a caller bug, not a mismatch, so it throws {@link InvalidDigestLengthError}.
 */
export async function verifyDigest(
  bytes: BytesLike,
  expected: ExpectedDigest,
  subtle: SubtleCrypto = defaultSubtle(),
): Promise<boolean> {
  const { digestLength } = algorithmInfo(expected.algorithm);
  if (expected.digest.length !== digestLength) {
    throw new InvalidDigestLengthError(
      `${expected.algorithm} digest must be ${digestLength} bytes, got ${expected.digest.length}`,
    );
  }
  return digestsEqual(await computeDigest(expected.algorithm, bytes, subtle), expected.digest);
}

/**
 * Compare two digests without an early exit, so the time taken does not tell a peer
 * how many leading bytes of a forged digest were right. Lengths are public (they follow
 * from the algorithm), so a length mismatch may return at once.
 */
export function digestsEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

// WebCrypto's BufferSource excludes views over SharedArrayBuffer; copy those (rare).
function toBufferSource(bytes: BytesLike): ArrayBuffer | Uint8Array<ArrayBuffer> {
  if (bytes instanceof ArrayBuffer) return bytes;
  if (bytes.buffer instanceof ArrayBuffer) return bytes as Uint8Array<ArrayBuffer>;
  return bytes.slice();
}
