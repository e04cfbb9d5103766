/**
 * The wire format, byte for byte (pure; it lives beside the protocol's integration tests
 * because test/unit/p2p/block is outside this change's files).
 */
import { describe, expect, it } from 'vitest';
import { encodeMultihash } from '../../../../src/core/integrity/index.ts';
import {
  BlockProtocolError,
  MAX_REQUEST_BYTES,
  decodeRequest,
  decodeResponseHeader,
  encodeRequest,
  encodeResponseHeader,
} from '../../../../src/p2p/block/index.ts';

const SHA256 = encodeMultihash('sha256', new Uint8Array(32).fill(7));
const SHA512 = encodeMultihash('sha512', new Uint8Array(64).fill(9));

describe('request', () => {
  it('is varint(length) then the multihash', () => {
    expect([...encodeRequest(SHA256)]).toEqual([34, 0x12, 32, ...new Array(32).fill(7)]);
    expect(encodeRequest(SHA512).length).toBe(MAX_REQUEST_BYTES);
  });

  it('decodes to the multihash key, and to null at every shorter prefix', () => {
    const request = encodeRequest(SHA256);
    for (let n = 0; n < request.length; n++) expect(decodeRequest(request.subarray(0, n))).toBeNull();
    expect(decodeRequest(request)).toEqual({ value: { kind: 'supported', key: Buffer.from(SHA256).toString('base64url') }, consumed: 35 });
  });

  it('leaves bytes after the request to the caller', () => {
    expect(decodeRequest(Uint8Array.of(...encodeRequest(SHA256), 0xff))?.consumed).toBe(35);
  });

  it('calls multihashes it does not serve unsupported, not garbage', () => {
    expect(decodeRequest(encodeRequest(Uint8Array.of(0x11, 2, 1, 2)))?.value).toMatchObject({ kind: 'unsupported', code: 0x11 });
    expect(decodeRequest(encodeRequest(Uint8Array.of(0x12, 2, 1, 2)))?.value).toMatchObject({ kind: 'unsupported', code: 0x12 });
  });

  it.each([
    ['length 0', [0]],
    ['length 67', [67]],
    ['a non-minimal length varint', [0x82, 0x00]],
    ['a multihash whose lengths do not add up', [3, 0x12, 2, 1]],
    ['a multihash with a bad code varint', [2, 0x80, 0x00]],
  ])('throws BlockProtocolError on %s', (_name, bytes) => {
    expect(() => decodeRequest(Uint8Array.from(bytes))).toThrow(BlockProtocolError);
  });

  it('will not encode what no server accepts', () => {
    expect(() => encodeRequest(new Uint8Array(67))).toThrow(RangeError);
    expect(() => encodeRequest(new Uint8Array(0))).toThrow(RangeError);
  });
});

describe('response header', () => {
  it.each([
    [{ status: 'found', length: 0 }, [0, 0]],
    [{ status: 'found', length: 65_537 }, [0, 0x81, 0x80, 0x04]],
    [{ status: 'not-found' }, [1]],
    [{ status: 'refused' }, [2]],
  ] as const)('%j is %j', (header, bytes) => {
    expect([...encodeResponseHeader(header)]).toEqual(bytes);
    expect(decodeResponseHeader(Uint8Array.from(bytes))).toEqual({ value: header, consumed: bytes.length });
  });

  it('is incomplete until the length varint ends', () => {
    expect(decodeResponseHeader(new Uint8Array(0))).toBeNull();
    expect(decodeResponseHeader(Uint8Array.of(0))).toBeNull();
    expect(decodeResponseHeader(Uint8Array.of(0, 0x81, 0x80))).toBeNull();
  });

  it.each([
    ['status 3', [3]],
    ['a 10-byte varint', [0, ...new Array(10).fill(0xff)]],
    ['a varint past 2^53', [0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]],
  ])('throws BlockProtocolError on %s', (_name, bytes) => {
    expect(() => decodeResponseHeader(Uint8Array.from(bytes))).toThrow(BlockProtocolError);
  });
});
