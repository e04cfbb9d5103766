/**
 * Unsigned varints as multiformats defines them
 * (https://github.com/multiformats/unsigned-varint): little-endian base-128, high bit
 * set on every byte but the last.
 *
 * Multihash bytes come from peers, so decoding is bounded: at most 9 bytes ("the maximum
 * varint size is 9 bytes" in that spec), minimally encoded only (a padded `0x92 0x00`
 * would give one multihash two spellings, i.e. two database keys), and no larger than
 * Number.MAX_SAFE_INTEGER so the arithmetic stays exact.
 */
import { MalformedVarintError } from './errors.ts';

/** The most bytes one unsigned varint may take. */
export const MAX_VARINT_BYTES = 9;

/** A decoded varint and how many bytes it took. */
export interface DecodedVarint {
  readonly value: number;
  readonly length: number;
}

/** Encode a non-negative safe integer. Throws RangeError for anything else. */
export function encodeUnsignedVarint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`Unsigned varint value must be a non-negative safe integer, got ${value}`);
  }
  const out: number[] = [];
  let rest = value;
  // Division, not >>>, because bitwise operators truncate to 32 bits.
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return Uint8Array.from(out);
}

/**
 * Decode the varint starting at `offset`. Throws {@link MalformedVarintError} when it is
 * truncated, longer than {@link MAX_VARINT_BYTES}, not minimal, or beyond safe integers.
 */
export function decodeUnsignedVarint(bytes: Uint8Array, offset = 0): DecodedVarint {
  let value = 0;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const byte = bytes[offset + i];
    if (byte === undefined) throw new MalformedVarintError('Truncated varint');
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (!Number.isSafeInteger(value)) throw new MalformedVarintError('Varint exceeds the safe integer range');
    if ((byte & 0x80) === 0) {
      if (byte === 0 && i > 0) throw new MalformedVarintError('Varint is not minimally encoded');
      return { value, length: i + 1 };
    }
  }
  throw new MalformedVarintError(`Varint longer than ${MAX_VARINT_BYTES} bytes`);
}
