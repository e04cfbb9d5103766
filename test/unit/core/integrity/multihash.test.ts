import { describe, expect, it } from 'vitest';
import {
  InvalidDigestLengthError,
  MalformedMultihashError,
  UnsupportedMultihashError,
} from '../../../../src/core/integrity/errors.ts';
import {
  algorithmOfMultihashCode,
  decodeMultihash,
  encodeMultihash,
  keyToMultihash,
  multihashCodeOf,
  multihashToKey,
  sriEntryToKey,
  sriEntryToMultihash,
  verifyMultihashKey,
} from '../../../../src/core/integrity/multihash.ts';
import { parseSri } from '../../../../src/core/integrity/sri.ts';
import { SHA256_ABC, SHA256_ABC_B64, SHA256_EMPTY, SHA384_ABC, SHA512_ABC, hex, utf8 } from './vectors.ts';

// SHA-256 of the empty string as a multihash; in base58btc this is the well-known
// IPFS identity QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH.
const EMPTY_MH = hex('1220e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
const EMPTY_KEY = 'EiDjsMRCmPwcFJr79MiZb7kkJ65B5GSbk0yklZkbeFK4VQ';

const concat = (...parts: (Uint8Array | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((part) => [...part]));

describe('multihash codes', () => {
  it('maps the SRI algorithms to the multicodec sha2 codes and back', () => {
    expect([multihashCodeOf('sha256'), multihashCodeOf('sha384'), multihashCodeOf('sha512')]).toEqual([
      0x12, 0x20, 0x13,
    ]);
    expect([0x12, 0x20, 0x13].map(algorithmOfMultihashCode)).toEqual(['sha256', 'sha384', 'sha512']);
    expect(algorithmOfMultihashCode(0x11)).toBeUndefined(); // sha1
    expect(algorithmOfMultihashCode(0x1e)).toBeUndefined(); // blake3
  });
});

describe('encodeMultihash / decodeMultihash', () => {
  it('encodes SHA-256("") as the known multihash', () => {
    expect(encodeMultihash('sha256', SHA256_EMPTY)).toEqual(EMPTY_MH);
  });

  it.each([
    ['sha256', 0x12, SHA256_ABC],
    ['sha384', 0x20, SHA384_ABC],
    ['sha512', 0x13, SHA512_ABC],
  ] as const)('round-trips %s with code 0x%s and length prefix', (algorithm, code, digest) => {
    const bytes = encodeMultihash(algorithm, digest);
    expect([...bytes.subarray(0, 2)]).toEqual([code, digest.length]);
    const decoded = decodeMultihash(bytes);
    expect(decoded).toMatchObject({ algorithm, code });
    expect(decoded.digest).toEqual(digest);
    expect(decoded.bytes).toEqual(bytes);
  });

  it('refuses to encode a digest of the wrong length', () => {
    expect(() => encodeMultihash('sha512', SHA256_ABC)).toThrow(InvalidDigestLengthError);
  });

  it.each([
    ['sha1 (0x11)', concat([0x11, 0x14], new Uint8Array(20))],
    ['identity (0x00)', concat([0x00, 0x03], [1, 2, 3])],
    ['blake2b-256 (0xb220, two-byte code)', concat([0xa0, 0xe4, 0x02, 0x20], new Uint8Array(32))],
  ])('throws UnsupportedMultihashError for %s', (_label, bytes) => {
    expect(() => decodeMultihash(bytes)).toThrow(UnsupportedMultihashError);
  });

  it.each([
    ['empty input', new Uint8Array(0)],
    ['a code only', Uint8Array.of(0x12)],
    ['a truncated digest', EMPTY_MH.subarray(0, 33)],
    ['a trailing byte', concat(EMPTY_MH, [0])],
    ['a truncated-digest length (sha256 declared as 20 bytes)', concat([0x12, 0x14], SHA256_EMPTY.subarray(0, 20))],
    ['a length longer than the algorithm', concat([0x12, 0x21], SHA256_EMPTY, [0])],
    ['a non-minimal code varint (0x92 0x00)', concat([0x92, 0x00, 0x20], SHA256_EMPTY)],
    ['a non-minimal length varint', concat([0x12, 0xa0, 0x00], SHA256_EMPTY)],
    ['a ten-byte code varint', concat(Array(9).fill(0x80), [0x01, 0x20], SHA256_EMPTY)],
    ['a length varint that never ends', concat([0x12], Array(12).fill(0xff))],
    ['a huge declared length', concat([0x12, 0xff, 0xff, 0xff, 0xff, 0x0f])],
  ])('throws MalformedMultihashError for %s', (_label, bytes) => {
    expect(() => decodeMultihash(bytes)).toThrow(MalformedMultihashError);
  });

  it('decodes a copy, so later changes to the input do not alter the result', () => {
    const input = EMPTY_MH.slice();
    const decoded = decodeMultihash(input);
    input.fill(0);
    expect(decoded.bytes).toEqual(EMPTY_MH);
    expect(decoded.digest).toEqual(SHA256_EMPTY);
  });
});

describe('database key form', () => {
  it('is unpadded base64url of the multihash bytes', () => {
    expect(multihashToKey(EMPTY_MH)).toBe(EMPTY_KEY);
    expect(keyToMultihash(EMPTY_KEY).digest).toEqual(SHA256_EMPTY);
  });

  it('uses only URL- and file-safe characters for every algorithm', () => {
    for (const digest of [SHA256_ABC, SHA384_ABC, SHA512_ABC]) {
      const algorithm = digest.length === 32 ? 'sha256' : digest.length === 48 ? 'sha384' : 'sha512';
      const key = multihashToKey(encodeMultihash(algorithm, digest));
      expect(key).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(keyToMultihash(key).digest).toEqual(digest);
    }
  });

  it('refuses to make a key from invalid multihash bytes', () => {
    expect(() => multihashToKey(EMPTY_MH.subarray(0, 10))).toThrow(MalformedMultihashError);
  });

  it.each([
    ['padding', `${EMPTY_KEY}==`],
    ['standard-alphabet characters', 'IDDLAHU/RaNei7WgPWmaxlAHJywyqw7e0WMai2BaQ/9b7YCGByuh58wjWLrsoTTIJac'],
    ['a non-canonical last character', `${EMPTY_KEY.slice(0, -1)}W`],
    ['whitespace', ` ${EMPTY_KEY}`],
    ['the empty string', ''],
    ['a very long string', 'A'.repeat(10_000)],
  ])('refuses a key with %s', (_label, key) => {
    expect(() => keyToMultihash(key)).toThrow(MalformedMultihashError);
  });

  it('gives the canonical base64url spelling of the same standard-alphabet bytes', () => {
    const key = sriEntryToKey({ algorithm: 'sha384', digest: SHA384_ABC });
    expect(key).toBe('IDDLAHU_RaNei7WgPWmaxlAHJywyqw7e0WMai2BaQ_9b7YCGByuh58wjWLrsoTTIJac');
  });
});

describe('SRI <-> multihash', () => {
  it('carries the same digest bytes both ways', () => {
    const [entry] = parseSri(`sha256-${SHA256_ABC_B64}`);
    const bytes = sriEntryToMultihash(entry!);
    expect(bytes).toEqual(concat([0x12, 0x20], SHA256_ABC));
    expect(decodeMultihash(bytes)).toMatchObject({ algorithm: entry!.algorithm, digest: entry!.digest });
    expect(sriEntryToKey(entry!)).toBe(multihashToKey(bytes));
  });

  it('maps base64url and standard SRI spellings of one digest to one key', () => {
    const a = parseSri(`sha256-${SHA256_ABC_B64}`)[0]!;
    const b = parseSri('sha256-ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0')[0]!;
    expect(sriEntryToKey(a)).toBe(sriEntryToKey(b));
  });
});

describe('verifyMultihashKey', () => {
  it('resolves true for the bytes the key names and false for any other bytes', async () => {
    expect(await verifyMultihashKey(new Uint8Array(0), EMPTY_KEY)).toBe(true);
    expect(await verifyMultihashKey(utf8(' '), EMPTY_KEY)).toBe(false);
    const sha512Key = sriEntryToKey({ algorithm: 'sha512', digest: SHA512_ABC });
    expect(await verifyMultihashKey(utf8('abc'), sha512Key)).toBe(true);
    expect(await verifyMultihashKey(utf8('abd'), sha512Key)).toBe(false);
  });

  it('rejects with the named errors when the key is not a usable multihash', async () => {
    await expect(verifyMultihashKey(utf8('abc'), `${EMPTY_KEY}=`)).rejects.toThrow(MalformedMultihashError);
    const sha1Key = multihashKeyOfRawBytes(concat([0x11, 0x14], new Uint8Array(20)));
    await expect(verifyMultihashKey(utf8('abc'), sha1Key)).rejects.toThrow(UnsupportedMultihashError);
  });
});

// Spell arbitrary bytes as a key without validating them (multihashToKey would refuse).
function multihashKeyOfRawBytes(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
