import { describe, expect, it } from 'vitest';
import { decodeBase64Lenient, decodeBase64UrlStrict, encodeBase64 } from '../../../../src/core/integrity/base64.ts';
import { SHA256_ABC, SHA256_ABC_B64, SHA256_ABC_B64URL, utf8 } from './vectors.ts';

describe('encodeBase64', () => {
  // RFC 4648 §10 test vectors.
  it.each([
    ['', ''],
    ['f', 'Zg=='],
    ['fo', 'Zm8='],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg=='],
    ['fooba', 'Zm9vYmE='],
    ['foobar', 'Zm9vYmFy'],
  ])('RFC 4648 vector %j -> %j', (input, expected) => {
    expect(encodeBase64(utf8(input))).toBe(expected);
    expect(decodeBase64Lenient(expected)).toEqual(utf8(input));
  });

  it('uses the URL-safe alphabet without padding for base64url', () => {
    expect(encodeBase64(SHA256_ABC)).toBe(SHA256_ABC_B64);
    expect(encodeBase64(SHA256_ABC, 'base64url')).toBe(SHA256_ABC_B64URL);
    expect(encodeBase64(Uint8Array.of(0xfb, 0xff), 'base64url', true)).toBe('-_8=');
  });

  it("uses the engine's own Uint8Array.prototype.toBase64 where it exists, with the same output", () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37) & 255);
    const cases = [['base64', true], ['base64', false], ['base64url', false], ['base64url', true]] as const;
    const byLoop = cases.map(([a, p]) => encodeBase64(bytes, a, p));
    const proto = Uint8Array.prototype as { toBase64?: unknown };
    const own = Object.getOwnPropertyDescriptor(proto, 'toBase64');
    const calls: unknown[] = [];
    // As the proposal specifies it (Node 24 lacks it; Chromium and Firefox have it).
    proto.toBase64 = function (this: Uint8Array, o: { alphabet: string; omitPadding: boolean }) {
      calls.push(o);
      const s = Buffer.from(this).toString(o.alphabet === 'base64url' ? 'base64url' : 'base64').replace(/=+$/, '');
      return o.omitPadding ? s : s.padEnd(Math.ceil(s.length / 4) * 4, '=');
    };
    try {
      expect(cases.map(([a, p]) => encodeBase64(bytes, a, p))).toEqual(byLoop);
      expect(calls).toHaveLength(cases.length);
    } finally {
      if (own) Object.defineProperty(proto, 'toBase64', own);
      else delete proto.toBase64;
    }
  });
});

describe('decodeBase64Lenient', () => {
  it.each([
    ['standard, padded', SHA256_ABC_B64],
    ['standard, unpadded', SHA256_ABC_B64.slice(0, -1)],
    ['base64url, unpadded', SHA256_ABC_B64URL],
    ['base64url, padded', `${SHA256_ABC_B64URL}=`],
  ])('decodes %s', (_label, text) => {
    expect(decodeBase64Lenient(text)).toEqual(SHA256_ABC);
  });

  it.each([
    ['a character outside both alphabets', 'Zm9v!A=='],
    ['padding that does not complete a quantum', 'Zg='],
    ['three padding characters', 'Zg==='],
    ['padding in the middle', 'Zg==Zm9v'],
    ['a length of 4n+1', 'Zm9vY'],
    ['non-ASCII', 'Zm9v\u00e9A'],
  ])('rejects %s', (_label, text) => {
    expect(decodeBase64Lenient(text)).toBeNull();
  });
});

describe('decodeBase64UrlStrict', () => {
  it('round-trips canonical base64url', () => {
    expect(decodeBase64UrlStrict(SHA256_ABC_B64URL)).toEqual(SHA256_ABC);
  });

  it.each([
    ['padding', `${SHA256_ABC_B64URL}=`],
    ['standard-alphabet characters', SHA256_ABC_B64.slice(0, -1)],
    // "Zh" and "Zg" both decode to "f" if unused bits are ignored; only "Zg" is canonical.
    ['non-zero unused trailing bits', 'Zh'],
  ])('rejects %s', (_label, text) => {
    expect(decodeBase64UrlStrict(text)).toBeNull();
  });
});
