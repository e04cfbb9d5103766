import { describe, expect, it } from 'vitest';
import { BlockProtocolError } from '../../../src/p2p/block/errors.ts';
import { decodeHave, encodeHave, MAX_HAVE_KEYS } from '../../../src/p2p/have/index.ts';

const key = (i: number, length = 71): string => `E${i.toString(36)}`.padEnd(length, 'x');

describe('/have answers', () => {
  it('are a varint count, then each key as a varint length and its ASCII bytes', () => {
    expect([...encodeHave(['ab', 'c'])]).toEqual([2, 2, 97, 98, 1, 99]);
    expect([...encodeHave([])]).toEqual([0]);
  });

  it('carry keys of every allowed length, including those whose length takes two varint bytes', () => {
    const keys = ['a', key(2, 127), key(3, 128), key(4, 64)];
    const bytes = encodeHave(keys);
    expect(bytes.length).toBe(1 + (1 + 1) + (1 + 127) + (2 + 128) + (1 + 64));
    expect(decodeHave(bytes)).toEqual(keys);
  });

  it('leave out what is not a key, and keys beyond the bound', () => {
    expect(decodeHave(encodeHave(['ok', 'not base64/url', '', 'é', key(0, 129), 'fine_-']))).toEqual(['ok', 'fine_-']);
    const many = Array.from({ length: MAX_HAVE_KEYS + 5 }, (_, i) => key(i, 128));
    const bytes = encodeHave(many);
    // The largest answer: a two-byte count and 10,000 keys of 128 characters.
    expect(bytes.length).toBe(2 + MAX_HAVE_KEYS * 130);
    expect(decodeHave(bytes)).toEqual(many.slice(0, MAX_HAVE_KEYS));
  });

  it('refuse malformed answers with a protocol error', () => {
    const good = encodeHave(['ab']);
    expect(() => decodeHave(new Uint8Array([...good, 0]))).toThrow(BlockProtocolError);
    expect(() => decodeHave(good.subarray(0, good.length - 1))).toThrow(BlockProtocolError);
    expect(() => decodeHave(new Uint8Array([1, 2, 47, 47]))).toThrow(/base64url/);
    expect(() => decodeHave(new Uint8Array([0x91, 0x4e]))).toThrow(/at most/); // 10,001 announced
  });
});
