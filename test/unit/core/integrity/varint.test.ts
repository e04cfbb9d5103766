import { describe, expect, it } from 'vitest';
import { MalformedVarintError } from '../../../../src/core/integrity/errors.ts';
import { decodeUnsignedVarint, encodeUnsignedVarint } from '../../../../src/core/integrity/varint.ts';

describe('unsigned varint', () => {
  // Examples from https://github.com/multiformats/unsigned-varint#examples
  it.each([
    [1, [0x01]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [255, [0xff, 0x01]],
    [300, [0xac, 0x02]],
    [16384, [0x80, 0x80, 0x01]],
    [Number.MAX_SAFE_INTEGER, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]],
  ])('%i <-> %j', (value, bytes) => {
    expect([...encodeUnsignedVarint(value)]).toEqual(bytes);
    expect(decodeUnsignedVarint(Uint8Array.from(bytes))).toEqual({ value, length: bytes.length });
  });

  it('decodes at an offset and reports only the bytes it used', () => {
    expect(decodeUnsignedVarint(Uint8Array.of(0xff, 0xac, 0x02, 0x07), 1)).toEqual({ value: 300, length: 2 });
  });

  it.each([
    ['empty input', []],
    ['a continuation bit on the last byte', [0x80]],
    ['a continuation bit on the last of several bytes', [0xac, 0x82]],
    ['a non-minimal zero byte at the end', [0x81, 0x00]],
    ['a non-minimal encoding of 0', [0x80, 0x00]],
    ['ten bytes (more than the 9-byte maximum)', [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]],
    ['nine bytes of continuation (never terminates within the bound)', Array(9).fill(0xff)],
    ['a value above Number.MAX_SAFE_INTEGER (2^53)', [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]],
  ])('rejects %s', (_label, bytes) => {
    expect(() => decodeUnsignedVarint(Uint8Array.from(bytes))).toThrow(MalformedVarintError);
  });

  it('stops reading at the 9-byte bound, even when the bytes so far carry no value', () => {
    // Ten and more zero-payload continuation bytes: only the length bound can stop this.
    const hostile = Uint8Array.from([...Array(20).fill(0x80), 0x01]);
    expect(() => decodeUnsignedVarint(hostile)).toThrow(/longer than 9 bytes/);
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 53])('refuses to encode %s', (value) => {
    expect(() => encodeUnsignedVarint(value)).toThrow(RangeError);
  });
});
