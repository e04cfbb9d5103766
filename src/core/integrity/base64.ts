/**
 * Base64 (RFC 4648 §4) and base64url (RFC 4648 §5) without depending on `Buffer` or
 * `atob` (src/core is pure, and `Uint8Array.fromBase64` is not yet everywhere we run).
 */

const STANDARD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Which 64-character alphabet. */
export type Base64Alphabet = 'base64' | 'base64url';

/** `Uint8Array.prototype.toBase64`, where the engine has it (not yet in TypeScript's lib, nor Node 24). */
type NativeBase64 = Uint8Array & { toBase64?: (options: { alphabet: Base64Alphabet; omitPadding: boolean }) => string };

// Code unit -> 6-bit value; -1 for anything else. Both alphabets share 62 of 64 symbols,
// so one table answers "either alphabet" and per-alphabet checks are done by the caller.
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  DECODE[STANDARD.charCodeAt(i)] = i;
  DECODE[URL_SAFE.charCodeAt(i)] = i;
}

/**
 * Encode `bytes`. Padding defaults to on for `base64` and off for `base64url`
 * (the usual convention for URL-safe keys).
 */
export function encodeBase64(
  bytes: Uint8Array,
  alphabet: Base64Alphabet = 'base64',
  padding: boolean = alphabet === 'base64',
): string {
  // The engine's own encoder (TC39 "Uint8Array to/from base64": Chromium 140, Firefox 133),
  // about 30 times faster than the loop below: Firefox encodes every `data:` URL it answers
  // a woken background's first page with while that page waits (bench pageLoad).
  const native = (bytes as NativeBase64).toBase64;
  if (typeof native === 'function') return native.call(bytes, { alphabet, omitPadding: !padding });
  const table = alphabet === 'base64' ? STANDARD : URL_SAFE;
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += table[n >> 18]! + table[(n >> 12) & 63]! + table[(n >> 6) & 63]! + table[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += table[n >> 18]! + table[(n >> 12) & 63]! + (padding ? '==' : '');
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += table[n >> 18]! + table[(n >> 12) & 63]! + table[(n >> 6) & 63]! + (padding ? '=' : '');
  }
  return out;
}

/**
 * Decode base64 the way SRI digests are read in practice: either alphabet (even mixed,
 * as Chromium normalises `-`/`_` to `+`/`/` before decoding), padding optional.
 *
 * Padding follows WHATWG Infra "forgiving-base64 decode" (https://infra.spec.whatwg.org/#forgiving-base64-decode):
 * one or two `=` are stripped only when the length is a multiple of 4; a remaining
 * length of 4n+1 is impossible. Unlike Infra, ASCII whitespace is NOT skipped: SRI
 * tokens are already split on whitespace. Returns null on failure.
 */
export function decodeBase64Lenient(text: string): Uint8Array | null {
  let data = text;
  if (data.length % 4 === 0) {
    if (data.endsWith('==')) data = data.slice(0, -2);
    else if (data.endsWith('=')) data = data.slice(0, -1);
  }
  return decodeSymbols(data, null);
}

/**
 * Decode unpadded base64url strictly: only the URL-safe alphabet, no `=`, and the
 * canonical encoding only (unused trailing bits must be zero). Strictness matters where
 * the string is an identity (a database key): two spellings must never name one value.
 * Returns null on failure.
 */
export function decodeBase64UrlStrict(text: string): Uint8Array | null {
  const bytes = decodeSymbols(text, URL_SAFE);
  if (bytes === null) return null;
  return encodeBase64(bytes, 'base64url', false) === text ? bytes : null;
}

function decodeSymbols(data: string, onlyAlphabet: string | null): Uint8Array | null {
  if (data.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((data.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    const v = c < 128 ? DECODE[c]! : -1;
    if (v < 0) return null;
    if (onlyAlphabet !== null && onlyAlphabet[v] !== data[i]) return null;
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
      buffer &= (1 << bits) - 1;
    }
  }
  return out;
}
