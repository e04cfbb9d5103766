/**
 * Multihash (https://github.com/multiformats/multihash): `varint(code) varint(length)
 * digest`, the self-describing form in which assets are named on the wire and in storage.
 *
 * Codes are from the multicodec table (https://github.com/multiformats/multicodec/blob/master/table.csv):
 * sha2-256 = 0x12, sha2-512 = 0x13, sha2-384 = 0x20. Only full-length digests are accepted
 * (multihash allows truncated ones; an SRI digest never is), so one asset has one name.
 */
import { algorithmInfo, type SriAlgorithm } from './algorithms.ts';
import { decodeBase64UrlStrict, encodeBase64 } from './base64.ts';
import { verifyDigest, type BytesLike } from './digest.ts';
import {
  InvalidDigestLengthError,
  MalformedMultihashError,
  MalformedVarintError,
  UnsupportedMultihashError,
} from './errors.ts';
import type { SriEntry } from './sri.ts';
import { decodeUnsignedVarint, encodeUnsignedVarint } from './varint.ts';

/** Multicodec code of each SRI algorithm. */
export const MULTIHASH_CODES: Readonly<Record<SriAlgorithm, number>> = Object.freeze({
  sha256: 0x12,
  sha384: 0x20,
  sha512: 0x13,
});

const ALGORITHM_BY_CODE: ReadonlyMap<number, SriAlgorithm> = new Map(
  (Object.entries(MULTIHASH_CODES) as [SriAlgorithm, number][]).map(([algorithm, code]) => [code, algorithm]),
);

// The longest valid multihash is 1 + 1 + 64 bytes (all our codes and lengths fit one
// varint byte), 88 base64url characters. Anything much longer is refused before decoding.
const MAX_KEY_LENGTH = 128;

/** A decoded multihash. */
export interface Multihash {
  readonly algorithm: SriAlgorithm;
  readonly code: number;
  readonly digest: Uint8Array;
  /** The whole encoded multihash. */
  readonly bytes: Uint8Array;
}

/** The multicodec code of `algorithm`. */
export function multihashCodeOf(algorithm: SriAlgorithm): number {
  return MULTIHASH_CODES[algorithmInfo(algorithm).token];
}

/** The SRI algorithm of a multicodec code, or undefined for any other code. */
export function algorithmOfMultihashCode(code: number): SriAlgorithm | undefined {
  return ALGORITHM_BY_CODE.get(code);
}

/**
 * Encode a digest as multihash bytes. Throws {@link InvalidDigestLengthError} if the
 * digest is not the algorithm's full length.
 */
export function encodeMultihash(algorithm: SriAlgorithm, digest: Uint8Array): Uint8Array {
  const { digestLength } = algorithmInfo(algorithm);
  if (digest.length !== digestLength) {
    throw new InvalidDigestLengthError(`${algorithm} digest must be ${digestLength} bytes, got ${digest.length}`);
  }
  const code = encodeUnsignedVarint(multihashCodeOf(algorithm));
  const length = encodeUnsignedVarint(digestLength);
  const out = new Uint8Array(code.length + length.length + digestLength);
  out.set(code, 0);
  out.set(length, code.length);
  out.set(digest, code.length + length.length);
  return out;
}

/**
 * Decode multihash bytes, typically received from a peer.
 *
 * Throws {@link UnsupportedMultihashError} for a well-formed code other than
 * SHA-256/384/512, and {@link MalformedMultihashError} for a bad varint, a length that is
 * not the algorithm's digest length, or missing or trailing bytes.
 */
export function decodeMultihash(bytes: Uint8Array): Multihash {
  const code = readVarint(bytes, 0, 'function code');
  const algorithm = algorithmOfMultihashCode(code.value);
  if (algorithm === undefined) throw new UnsupportedMultihashError(code.value);
  const length = readVarint(bytes, code.length, 'digest length');
  const { digestLength } = algorithmInfo(algorithm);
  if (length.value !== digestLength) {
    throw new MalformedMultihashError(`${algorithm} multihash declares ${length.value} digest bytes, expected ${digestLength}`);
  }
  const start = code.length + length.length;
  if (bytes.length !== start + digestLength) {
    throw new MalformedMultihashError(`Multihash has ${bytes.length - start} digest bytes, expected ${digestLength}`);
  }
  return { algorithm, code: code.value, digest: bytes.slice(start), bytes: bytes.slice() };
}

/**
 * The database-key form of a multihash: unpadded base64url of its bytes (RFC 4648 §5),
 * safe in URLs, file names and IndexedDB keys. The bytes are validated first, so only a
 * valid multihash ever gets a key.
 */
export function multihashToKey(bytes: Uint8Array): string {
  return encodeBase64(decodeMultihash(bytes).bytes, 'base64url', false);
}

/**
 * Decode a key made by {@link multihashToKey}. Only the canonical spelling is accepted
 * (no padding, no standard-alphabet characters, zero trailing bits), so a key read back
 * equals the key written. Throws {@link MalformedMultihashError} or
 * {@link UnsupportedMultihashError}.
 */
export function keyToMultihash(key: string): Multihash {
  if (key.length > MAX_KEY_LENGTH) throw new MalformedMultihashError('Multihash key is too long');
  const bytes = decodeBase64UrlStrict(key);
  if (bytes === null) throw new MalformedMultihashError('Multihash key is not canonical unpadded base64url');
  return decodeMultihash(bytes);
}

/**
 * Check `bytes` against a multihash database key: resolves false on a mismatch, rejects
 * with {@link MalformedMultihashError} or {@link UnsupportedMultihashError} when the key
 * is not one. This is the `VerifyFn` the store (src/store/blobs.ts) is built with.
 *
 * @example
 * ```ts
 * const blobs = createBlobRepository({ db, verify: (bytes, key) => verifyMultihashKey(bytes, key), ... });
 * ```
 */
export async function verifyMultihashKey(
  bytes: BytesLike,
  key: string,
  subtle: SubtleCrypto = globalThis.crypto.subtle,
): Promise<boolean> {
  return verifyDigest(bytes, keyToMultihash(key), subtle);
}

/** Multihash bytes of an SRI hash (the SRI digest and the multihash digest are the same bytes). */
export function sriEntryToMultihash(entry: Pick<SriEntry, 'algorithm' | 'digest'>): Uint8Array {
  return encodeMultihash(entry.algorithm, entry.digest);
}

/** Database key of an SRI hash. */
export function sriEntryToKey(entry: Pick<SriEntry, 'algorithm' | 'digest'>): string {
  return encodeBase64(sriEntryToMultihash(entry), 'base64url', false);
}

function readVarint(bytes: Uint8Array, offset: number, what: string): { value: number; length: number } {
  try {
    return decodeUnsignedVarint(bytes, offset);
  } catch (error) {
    if (error instanceof MalformedVarintError) {
      throw new MalformedMultihashError(`Bad multihash ${what}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}
