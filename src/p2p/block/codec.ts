/**
 * Wire format of `/peercache/block/1.0.0` (docs/PROTOCOL.md): the request and the response
 * header. Pure and bounded: every decoder looks at no more than a few dozen bytes, answers
 * `null` while a prefix is incomplete, and throws {@link BlockProtocolError} as soon as the
 * bytes cannot be the start of a valid message, so a peer cannot make us buffer garbage.
 */
import {
  MAX_VARINT_BYTES,
  MalformedVarintError,
  algorithmInfo,
  algorithmOfMultihashCode,
  decodeUnsignedVarint,
  encodeUnsignedVarint,
  multihashToKey,
  type DecodedVarint,
} from '../../core/integrity/index.ts';
import { BlockProtocolError } from './errors.ts';

/** The protocol id. A new major version gets a new id; both may be served side by side. */
export const BLOCK_PROTOCOL = '/peercache/block/1.0.0';

/** The most body bytes a server puts in one `send()`. */
export const MAX_CHUNK_BYTES = 64 * 1024;

/**
 * The longest multihash in a request: a one-byte code, a one-byte length and a 64-byte digest
 * (SHA-512). Every multihash we serve fits, and so do most others (sha3-512, blake3), which
 * then get a polite "refused" instead of a reset.
 */
export const MAX_MULTIHASH_BYTES = 2 + 64;

/** The longest request: a one-byte length prefix and the multihash. */
export const MAX_REQUEST_BYTES = 1 + MAX_MULTIHASH_BYTES;

/** The longest response header: the status byte and a length varint. */
export const MAX_RESPONSE_HEADER_BYTES = 1 + MAX_VARINT_BYTES;

/** What a server answers. */
export type BlockStatus = 'found' | 'not-found' | 'refused';

const STATUS_BYTE: Readonly<Record<BlockStatus, number>> = Object.freeze({ found: 0, 'not-found': 1, refused: 2 });

/** A response header: the status, and the body length when found. */
export type ResponseHeader =
  | { readonly status: 'found'; readonly length: number }
  | { readonly status: 'not-found' }
  | { readonly status: 'refused' };

/**
 * A decoded request. A well-formed multihash we do not serve (another hash function, or a
 * truncated digest) is `unsupported`, not an error: the server refuses it and keeps going.
 */
export type BlockRequest =
  | { readonly kind: 'supported'; readonly key: string }
  | { readonly kind: 'unsupported'; readonly code: number; readonly reason: string };

/** A decoded value and how many bytes it took. */
export interface Decoded<T> {
  readonly value: T;
  readonly consumed: number;
}

/** The request for a multihash: `varint(length) multihash`. */
export function encodeRequest(multihash: Uint8Array): Uint8Array {
  if (multihash.length === 0 || multihash.length > MAX_MULTIHASH_BYTES) {
    throw new RangeError(`A multihash in a request is 1 to ${MAX_MULTIHASH_BYTES} bytes, got ${multihash.length}`);
  }
  const prefix = encodeUnsignedVarint(multihash.length);
  const out = new Uint8Array(prefix.length + multihash.length);
  out.set(prefix, 0);
  out.set(multihash, prefix.length);
  return out;
}

/**
 * Decode a request from the bytes received so far: null while incomplete; throws
 * {@link BlockProtocolError} for anything that is not a length-prefixed multihash. Bytes after
 * the request are left to the caller (`consumed` says where the request ends).
 */
export function decodeRequest(bytes: Uint8Array): Decoded<BlockRequest> | null {
  const length = readVarintPrefix(bytes, 0, 'request length');
  if (length === null) return null;
  if (length.value === 0 || length.value > MAX_MULTIHASH_BYTES) {
    throw new BlockProtocolError(`Request length ${length.value} is outside 1..${MAX_MULTIHASH_BYTES}`);
  }
  const end = length.length + length.value;
  if (bytes.length < end) return null;
  return { value: classifyMultihash(bytes.subarray(length.length, end)), consumed: end };
}

/** The response header bytes. */
export function encodeResponseHeader(header: ResponseHeader): Uint8Array {
  const status = STATUS_BYTE[header.status];
  if (header.status !== 'found') return Uint8Array.of(status);
  const length = encodeUnsignedVarint(header.length);
  const out = new Uint8Array(1 + length.length);
  out[0] = status;
  out.set(length, 1);
  return out;
}

/**
 * Decode a response header from the bytes received so far: null while incomplete; throws
 * {@link BlockProtocolError} for an unknown status byte or a bad length varint.
 */
export function decodeResponseHeader(bytes: Uint8Array): Decoded<ResponseHeader> | null {
  const status = bytes[0];
  if (status === undefined) return null;
  if (status === STATUS_BYTE['not-found']) return { value: { status: 'not-found' }, consumed: 1 };
  if (status === STATUS_BYTE.refused) return { value: { status: 'refused' }, consumed: 1 };
  if (status !== STATUS_BYTE.found) throw new BlockProtocolError(`Unknown status byte ${status}`);
  const length = readVarintPrefix(bytes, 1, 'body length');
  if (length === null) return null;
  return { value: { status: 'found', length: length.value }, consumed: 1 + length.length };
}

function classifyMultihash(multihash: Uint8Array): BlockRequest {
  const code = readVarintPrefix(multihash, 0, 'multihash code');
  const digestLength = code === null ? null : readVarintPrefix(multihash, code.length, 'multihash digest length');
  if (code === null || digestLength === null || code.length + digestLength.length + digestLength.value !== multihash.length) {
    throw new BlockProtocolError('Request is not a multihash: its lengths do not add up');
  }
  const algorithm = algorithmOfMultihashCode(code.value);
  if (algorithm === undefined) {
    return { kind: 'unsupported', code: code.value, reason: `hash function 0x${code.value.toString(16)} is not served` };
  }
  if (digestLength.value !== algorithmInfo(algorithm).digestLength) {
    return { kind: 'unsupported', code: code.value, reason: `${algorithm} digest truncated to ${digestLength.value} bytes` };
  }
  return { kind: 'supported', key: multihashToKey(multihash) };
}

/**
 * An unsigned varint at `offset`: null when the bytes end inside it, else decoded strictly
 * (src/core/integrity/varint.ts: ≤ 9 bytes, minimal, safe integer).
 */
function readVarintPrefix(bytes: Uint8Array, offset: number, what: string): DecodedVarint | null {
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const byte = bytes[offset + i];
    if (byte === undefined) return null;
    if ((byte & 0x80) === 0) break;
  }
  try {
    return decodeUnsignedVarint(bytes, offset);
  } catch (error) {
    if (error instanceof MalformedVarintError) throw new BlockProtocolError(`Bad ${what}: ${error.message}`, { cause: error });
    throw error;
  }
}
