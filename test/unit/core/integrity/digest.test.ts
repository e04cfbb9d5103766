import { describe, expect, it } from 'vitest';
import { computeDigest, digestsEqual, verifyDigest } from '../../../../src/core/integrity/digest.ts';
import { InvalidDigestLengthError, UnsupportedAlgorithmError } from '../../../../src/core/integrity/errors.ts';
import type { SriAlgorithm } from '../../../../src/core/integrity/algorithms.ts';
import { SHA256_ABC, SHA256_EMPTY, SHA384_ABC, SHA512_ABC, hex, utf8 } from './vectors.ts';

describe('computeDigest', () => {
  it.each([
    ['sha256', '', SHA256_EMPTY],
    ['sha256', 'abc', SHA256_ABC],
    ['sha384', 'abc', SHA384_ABC],
    ['sha512', 'abc', SHA512_ABC],
    [
      'sha256',
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      hex('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'),
    ],
  ] as const)('%s(%j) is the FIPS 180 known answer', async (algorithm, input, expected) => {
    expect(await computeDigest(algorithm, utf8(input))).toEqual(expected);
  });

  it('accepts an ArrayBuffer and a view into a larger buffer alike', async () => {
    const backing = utf8('xxabcxx');
    const view = backing.subarray(2, 5);
    expect(await computeDigest('sha256', view)).toEqual(SHA256_ABC);
    expect(await computeDigest('sha256', Uint8Array.from([0x61, 0x62, 0x63]).buffer)).toEqual(SHA256_ABC);
  });

  it('uses the SubtleCrypto it is given', async () => {
    const calls: string[] = [];
    const fake = {
      digest: async (name: string) => {
        calls.push(name);
        return new Uint8Array(48).fill(7).buffer;
      },
    } as unknown as SubtleCrypto;
    expect(await computeDigest('sha384', utf8('abc'), fake)).toEqual(new Uint8Array(48).fill(7));
    expect(calls).toEqual(['SHA-384']);
  });

  it('refuses an algorithm outside the SRI set at run time', async () => {
    await expect(computeDigest('sha1' as SriAlgorithm, utf8('abc'))).rejects.toThrow(UnsupportedAlgorithmError);
  });
});

describe('verifyDigest', () => {
  it('accepts the right digest and rejects a one-bit change', async () => {
    expect(await verifyDigest(utf8('abc'), { algorithm: 'sha512', digest: SHA512_ABC })).toBe(true);
    const flipped = SHA512_ABC.slice();
    flipped[63]! ^= 1;
    expect(await verifyDigest(utf8('abc'), { algorithm: 'sha512', digest: flipped })).toBe(false);
    expect(await verifyDigest(utf8('abd'), { algorithm: 'sha512', digest: SHA512_ABC })).toBe(false);
  });

  it('throws when the expected digest has the wrong length for its algorithm', async () => {
    await expect(verifyDigest(utf8('abc'), { algorithm: 'sha384', digest: SHA256_ABC })).rejects.toThrow(
      InvalidDigestLengthError,
    );
  });
});

describe('digestsEqual', () => {
  it.each([
    [[1, 2, 3], [1, 2, 3], true],
    [[1, 2, 3], [1, 2, 4], false],
    [[9, 2, 3], [1, 2, 3], false],
    [[1, 2, 3], [1, 2], false],
    [[], [], true],
  ])('%j vs %j -> %s', (a, b, expected) => {
    expect(digestsEqual(Uint8Array.from(a), Uint8Array.from(b))).toBe(expected);
  });
});
