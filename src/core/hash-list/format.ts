/**
 * Constants shared by the hash-list encoder and decoder. The byte layout itself is
 * described once, at the top of decode.ts.
 */
import { MULTIHASH_CODES } from '../integrity/index.ts';

/** The first four bytes of every list: ASCII `PCHL` ("PeerCache hash list"). */
export const HASH_LIST_MAGIC: Readonly<Uint8Array> = Uint8Array.of(0x50, 0x43, 0x48, 0x4c);

/** Format version written by this encoder and the only one this decoder reads. */
export const HASH_LIST_FORMAT_VERSION = 2;

/** Multihash code of the one algorithm of the list, sha2-384 (the strongest hash SRI snippets commonly carry). */
export const HASH_LIST_ALGORITHM_CODE = MULTIHASH_CODES.sha384;

/** sha384 digest length in bytes. */
export const HASH_LIST_DIGEST_LENGTH = 48;

/** Code-unit order, the one order every sorted section of the list uses. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Bytewise order of two equal-length digests. */
export function compareDigests(a: Uint8Array, aOffset: number, b: Uint8Array, bOffset: number): number {
  for (let i = 0; i < HASH_LIST_DIGEST_LENGTH; i++) {
    const d = a[aOffset + i]! - b[bOffset + i]!;
    if (d !== 0) return d;
  }
  return 0;
}
