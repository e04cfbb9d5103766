// Varints and multihashes (src/core/integrity/) against two independent implementations:
// uint8-varint (libp2p's) and multiformats (its varint, digest and sha2 hashers). Multihash
// bytes and keys arrive from peers and from IndexedDB, so arbitrary input may only ever be
// refused with our named errors, and anything accepted must be what the references read.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { varint as mfVarint } from 'multiformats';
import * as mfDigest from 'multiformats/hashes/digest';
import { sha256 as mfSha256, sha512 as mfSha512 } from 'multiformats/hashes/sha2';
import * as u8Varint from 'uint8-varint';
import { describe, expect, it } from 'vitest';
import {
  MULTIHASH_CODES,
  MalformedMultihashError,
  MalformedVarintError,
  SRI_ALGORITHMS,
  UnsupportedMultihashError,
  algorithmInfo,
  decodeMultihash,
  decodeUnsignedVarint,
  encodeMultihash,
  encodeUnsignedVarint,
  keyToMultihash,
  multihashToKey,
  verifyMultihashKey,
} from '../../src/core/integrity/index.ts';
import { checkProperty, onlyThrows } from './support/runs.ts';

const safeInteger = fc.oneof(fc.nat(), fc.maxSafeNat(), fc.integer({ min: 0, max: 2 ** 35 }));
// Varint-shaped bytes: mostly continuation bits, so lengths 1..12 and padded zeros are common.
const varintLike = fc.array(fc.oneof(fc.integer({ min: 0x80, max: 0xff }), fc.integer({ min: 0, max: 0x7f }), fc.constant(0x80), fc.constant(0)), {
  maxLength: 12,
});

describe('unsigned varint', () => {
  it('encodes every safe integer exactly as uint8-varint and multiformats do, and decodes it back', () =>
    checkProperty(
      fc.property(safeInteger, (n) => {
        const ours = encodeUnsignedVarint(n);
        expect(ours).toEqual(u8Varint.encode(n));
        expect(ours).toEqual(mfVarint.encodeTo(n, new Uint8Array(mfVarint.encodingLength(n))));
        expect(decodeUnsignedVarint(ours)).toEqual({ value: n, length: ours.length });
      }),
    ));

  it('on arbitrary bytes, accepts only what uint8-varint reads the same, minimal and at most 9 bytes', () =>
    checkProperty(
      fc.property(fc.oneof(varintLike, fc.uint8Array({ maxLength: 12 })), fc.nat({ max: 3 }), (raw, offset) => {
        const bytes = Uint8Array.from(raw);
        const result = onlyThrows(() => decodeUnsignedVarint(bytes, offset), MalformedVarintError);
        if (result instanceof Error) return;
        expect(result.length).toBeLessThanOrEqual(9);
        expect(u8Varint.decode(bytes, offset)).toBe(result.value);
        expect(u8Varint.encodingLength(result.value)).toBe(result.length);
        expect(encodeUnsignedVarint(result.value)).toEqual(bytes.subarray(offset, offset + result.length));
      }),
    ));

  it('never refuses a minimal varint of a safe integer that uint8-varint reads', () =>
    checkProperty(
      fc.property(safeInteger, fc.uint8Array({ maxLength: 4 }), (n, tail) => {
        const bytes = new Uint8Array([...u8Varint.encode(n), ...tail]);
        expect(decodeUnsignedVarint(bytes)).toEqual({ value: n, length: u8Varint.encodingLength(n) });
      }),
    ));
});

const algorithm = fc.constantFrom(...SRI_ALGORITHMS);
const digestOf = (alg: (typeof SRI_ALGORITHMS)[number]) => fc.uint8Array({ minLength: algorithmInfo(alg).digestLength, maxLength: algorithmInfo(alg).digestLength });

// Bytes that are often nearly a multihash: a valid one with a byte changed, cut or extended.
const nearMultihash = algorithm
  .chain((alg) => digestOf(alg).map((d) => encodeMultihash(alg, d)))
  .chain((mh) =>
    fc.oneof(
      fc.tuple(fc.nat({ max: mh.length - 1 }), fc.integer({ min: 0, max: 255 })).map(([i, b]) => Uint8Array.from(mh, (x, j) => (j === i ? b : x))),
      fc.nat({ max: mh.length }).map((n) => mh.slice(0, n)),
      fc.uint8Array({ minLength: 1, maxLength: 3 }).map((extra) => new Uint8Array([...mh, ...extra])),
    ),
  );

describe('multihash', () => {
  it('encodes a full digest as multiformats does, and multiformats reads back our bytes', () =>
    checkProperty(
      fc.property(algorithm.chain((alg) => fc.tuple(fc.constant(alg), digestOf(alg))), ([alg, digest]) => {
        const ours = encodeMultihash(alg, digest);
        expect(ours).toEqual(mfDigest.create(MULTIHASH_CODES[alg], digest).bytes);
        const theirs = mfDigest.decode(ours);
        expect(theirs.code).toBe(MULTIHASH_CODES[alg]);
        expect(theirs.digest).toEqual(digest);
        expect(decodeMultihash(ours)).toMatchObject({ algorithm: alg, digest });
      }),
    ));

  it('on arbitrary bytes, refuses with our errors only and accepts only what multiformats reads the same', () =>
    checkProperty(
      fc.property(fc.oneof(nearMultihash, fc.uint8Array({ maxLength: 70 })), (bytes) => {
        const result = onlyThrows(() => decodeMultihash(bytes), MalformedMultihashError, UnsupportedMultihashError);
        if (result instanceof Error) return;
        const theirs = mfDigest.decode(bytes);
        expect(theirs.code).toBe(result.code);
        expect(theirs.digest).toEqual(result.digest);
        expect(result.digest.length).toBe(algorithmInfo(result.algorithm).digestLength);
      }),
    ));

  it('accepts every key it makes, and only canonical keys: a key read back is the key written', () =>
    checkProperty(
      fc.property(
        fc.oneof(
          nearMultihash.map((mh) => Buffer.from(mh).toString('base64url')),
          fc.string({ maxLength: 100 }),
          fc.stringMatching(/^[A-Za-z0-9_=+/-]{60,92}$/),
        ),
        (key) => {
          const result = onlyThrows(() => keyToMultihash(key), MalformedMultihashError, UnsupportedMultihashError);
          if (result instanceof Error) return;
          expect(multihashToKey(result.bytes)).toBe(key);
        },
      ),
    ));

  it('verifies bytes against keys of multiformats and node:crypto hashes, and refuses a changed byte', () =>
    checkProperty(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 2048 }), algorithm, fc.nat(), async (bytes, alg, at) => {
        const multihash =
          alg === 'sha256'
            ? (await mfSha256.digest(bytes)).bytes
            : alg === 'sha512'
              ? (await mfSha512.digest(bytes)).bytes
              : mfDigest.create(MULTIHASH_CODES.sha384, createHash('sha384').update(bytes).digest()).bytes;
        const key = multihashToKey(multihash);
        expect(await verifyMultihashKey(bytes, key)).toBe(true);
        const changed = bytes.slice();
        changed[at % changed.length]! ^= 1;
        expect(await verifyMultihashKey(changed, key)).toBe(false);
      }),
      0.25,
    ));
});
