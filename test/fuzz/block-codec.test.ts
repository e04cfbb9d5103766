// The block protocol's wire format (src/p2p/block/codec.ts, docs/PROTOCOL.md). Its bytes come
// from any peer on the LAN, a chunk at a time: a decoder must answer the same whatever the
// chunking, never read past its bound, and refuse garbage only with BlockProtocolError.
import fc from 'fast-check';
import * as mfDigest from 'multiformats/hashes/digest';
import * as u8Varint from 'uint8-varint';
import { describe, expect, it } from 'vitest';
import { SRI_ALGORITHMS, algorithmInfo, encodeMultihash, keyToMultihash, multihashToKey } from '../../src/core/integrity/index.ts';
import {
  MAX_MULTIHASH_BYTES,
  MAX_REQUEST_BYTES,
  MAX_RESPONSE_HEADER_BYTES,
  decodeRequest,
  decodeResponseHeader,
  encodeRequest,
  encodeResponseHeader,
  type ResponseHeader,
} from '../../src/p2p/block/codec.ts';
import { BlockProtocolError } from '../../src/p2p/block/errors.ts';
import { checkProperty, onlyThrows } from './support/runs.ts';

const servedMultihash = fc
  .constantFrom(...SRI_ALGORITHMS)
  .chain((alg) => fc.uint8Array({ minLength: algorithmInfo(alg).digestLength, maxLength: algorithmInfo(alg).digestLength }).map((d) => encodeMultihash(alg, d)));
// Any well-formed multihash that fits a request: other codes and truncated digests too.
const anyMultihash = fc
  .tuple(fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0x80, max: 0x3fff })), fc.uint8Array({ minLength: 1, maxLength: 62 }))
  .map(([code, digest]) => mfDigest.create(code, digest).bytes)
  .filter((mh) => mh.length <= MAX_MULTIHASH_BYTES);
const responseHeader: fc.Arbitrary<ResponseHeader> = fc.oneof(
  fc.constant({ status: 'not-found' as const }),
  fc.constant({ status: 'refused' as const }),
  fc.oneof(fc.nat(), fc.maxSafeNat()).map((length) => ({ status: 'found' as const, length })),
);
// Bytes near the grammar: small status bytes and varint continuation bits are common.
const wireBytes = fc.oneof(
  fc.uint8Array({ maxLength: 80 }),
  fc.array(fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0x80, max: 0xff }), fc.integer({ min: 0, max: 255 })), { maxLength: 80 }).map((a) => Uint8Array.from(a)),
);

describe('block request', () => {
  it('round-trips every served multihash, is null on each proper prefix, and leaves what follows', () =>
    checkProperty(
      fc.property(servedMultihash, fc.uint8Array({ maxLength: 8 }), (mh, tail) => {
        const request = encodeRequest(mh);
        expect(request.length).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
        expect(request.subarray(0, u8Varint.encodingLength(mh.length))).toEqual(u8Varint.encode(mh.length));
        for (let n = 0; n < request.length; n++) expect(decodeRequest(request.subarray(0, n))).toBeNull();
        const decoded = decodeRequest(new Uint8Array([...request, ...tail]));
        expect(decoded).toEqual({ value: { kind: 'supported', key: multihashToKey(mh) }, consumed: request.length });
      }),
      0.3, // each case decodes up to 67 prefixes
    ));

  it('answers a multihash it does not serve with unsupported, never an error', () =>
    checkProperty(
      fc.property(anyMultihash, (mh) => {
        const decoded = decodeRequest(encodeRequest(mh));
        expect(decoded?.consumed).toBe(encodeRequest(mh).length);
        if (decoded?.value.kind === 'supported') expect(keyToMultihash(decoded.value.key).bytes).toEqual(mh);
        else expect(decoded?.value).toMatchObject({ kind: 'unsupported', code: mfDigest.decode(mh).code });
      }),
    ));

  it('on arbitrary bytes: null, a request within its bound, or BlockProtocolError, the same for every longer input', () =>
    checkProperty(
      fc.property(wireBytes, fc.uint8Array({ maxLength: 8 }), (bytes, more) => {
        const result = onlyThrows(() => decodeRequest(bytes), BlockProtocolError);
        const longer = onlyThrows(() => decodeRequest(new Uint8Array([...bytes, ...more])), BlockProtocolError);
        if (result instanceof Error) {
          expect(longer).toBeInstanceOf(BlockProtocolError); // garbage stays garbage as bytes arrive
          return;
        }
        if (result === null) {
          expect(bytes.length).toBeLessThan(MAX_REQUEST_BYTES);
          return;
        }
        expect(result.consumed).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
        expect(longer).toEqual(result);
        // What was read is exactly a length prefix (as uint8-varint reads it) and that many bytes.
        const length = u8Varint.decode(bytes);
        expect(result.consumed).toBe(u8Varint.encodingLength(length) + length);
        expect(encodeRequest(bytes.subarray(result.consumed - length, result.consumed))).toEqual(bytes.subarray(0, result.consumed));
        if (result.value.kind === 'supported') expect(multihashToKey(keyToMultihash(result.value.key).bytes)).toBe(result.value.key);
      }),
    ));
});

describe('block response header', () => {
  it('round-trips every header, is null on each proper prefix, and leaves the body', () =>
    checkProperty(
      fc.property(responseHeader, fc.uint8Array({ maxLength: 8 }), (header, body) => {
        const bytes = encodeResponseHeader(header);
        expect(bytes.length).toBeLessThanOrEqual(MAX_RESPONSE_HEADER_BYTES);
        for (let n = 0; n < bytes.length; n++) expect(decodeResponseHeader(bytes.subarray(0, n))).toBeNull();
        expect(decodeResponseHeader(new Uint8Array([...bytes, ...body]))).toEqual({ value: header, consumed: bytes.length });
      }),
    ));

  it('on arbitrary bytes: null, a header that re-encodes to the bytes read, or BlockProtocolError', () =>
    checkProperty(
      fc.property(wireBytes, fc.uint8Array({ maxLength: 8 }), (bytes, more) => {
        const result = onlyThrows(() => decodeResponseHeader(bytes), BlockProtocolError);
        const longer = onlyThrows(() => decodeResponseHeader(new Uint8Array([...bytes, ...more])), BlockProtocolError);
        if (result instanceof Error) {
          expect(longer).toBeInstanceOf(BlockProtocolError);
          return;
        }
        if (result === null) {
          expect(bytes.length).toBeLessThan(MAX_RESPONSE_HEADER_BYTES);
          return;
        }
        expect(longer).toEqual(result);
        expect(encodeResponseHeader(result.value)).toEqual(bytes.subarray(0, result.consumed));
        if (result.value.status === 'found') expect(Number.isSafeInteger(result.value.length)).toBe(true);
      }),
    ));
});
