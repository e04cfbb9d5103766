import { describe, expect, it } from 'vitest';
import {
  CorruptHashListError,
  HASH_LIST_MAGIC,
  UnsupportedHashListError,
  decodeHashList,
  encodeHashList,
  parseHashList,
} from '../../../../src/core/hash-list/index.ts';
import { fixtureBytes } from './fixture.ts';

/** Any failure must be one of the two named errors, never a crash inside the decoder. */
function failureOf(bytes: Uint8Array): string {
  try {
    parseHashList(bytes);
    return 'parsed';
  } catch (error) {
    if (error instanceof CorruptHashListError || error instanceof UnsupportedHashListError) return error.name;
    throw error;
  }
}

describe('decodeHashList refuses damaged input with a named error', () => {
  it('refuses every truncation', async () => {
    const bytes = await fixtureBytes();
    for (let length = 0; length < bytes.length; length++) {
      expect(failureOf(bytes.subarray(0, length)), `first ${length} bytes`).toBe('CorruptHashListError');
    }
  });

  it('refuses trailing bytes', async () => {
    const bytes = await fixtureBytes();
    expect(() => decodeHashList(Uint8Array.of(...bytes, 0))).toThrow(/1 trailing bytes/);
  });

  it('refuses other files and other format versions', async () => {
    const bytes = await fixtureBytes();
    expect(() => decodeHashList(new TextEncoder().encode('{"jquery": {}}'))).toThrow(CorruptHashListError);
    const future = bytes.slice();
    future[HASH_LIST_MAGIC.length] = 3;
    expect(() => decodeHashList(future)).toThrow(UnsupportedHashListError);
    const sha512 = bytes.slice();
    sha512[HASH_LIST_MAGIC.length + 1] = 0x13;
    expect(() => decodeHashList(sha512)).toThrow(UnsupportedHashListError);
  });

  it('survives every single-byte change: it parses or throws a named error', async () => {
    const bytes = await fixtureBytes();
    const outcomes = new Set<string>();
    for (let i = 0; i < bytes.length; i++) {
      for (const value of [0x00, 0x01, 0x7f, 0x80, 0xff, bytes[i]! ^ 0x20]) {
        const damaged = bytes.slice();
        damaged[i] = value;
        outcomes.add(failureOf(damaged));
      }
    }
    expect(outcomes).toContain('CorruptHashListError');
  });

  it('refuses a count larger than the bytes could hold before allocating for it', async () => {
    const header = encodeHashList({ generator: 'g', configHash: 'c', packages: [] });
    // Replace the final digest count (0) by 2^40: a naive decoder would try to allocate 48 TB.
    const huge = Uint8Array.of(...header.subarray(0, header.length - 2), 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0);
    expect(() => decodeHashList(huge)).toThrow(/cannot fit/);
  });

  it('refuses digests out of order, which would break the binary search', async () => {
    const bytes = await fixtureBytes();
    const decoded = decodeHashList(bytes);
    const first = decoded.digests.subarray(0, 48);
    const start = bytes.findIndex((_, i) => first.every((b, j) => bytes[i + j] === b));
    const swapped = bytes.slice();
    swapped.set(decoded.digests.subarray(48, 96), start);
    swapped.set(decoded.digests.subarray(0, 48), start + 48);
    expect(() => decodeHashList(swapped)).toThrow(/digest 1 is not above digest 0/);
  });

  // Both found by test/fuzz/hash-list.test.ts (issue 10, item 6).
  it('keeps a leading U+FEFF: the path \\ufeffx.js is not x.js', () => {
    const digest = new Uint8Array(48).fill(7);
    const bytes = encodeHashList({ generator: '\ufeffg', configHash: 'c', packages: [{ name: 'lib', versions: [{ version: '1.0.0', files: [{ path: '\ufeffx.js', digest }] }] }] });
    const decoded = decodeHashList(bytes);
    expect(decoded.generator).toBe('\ufeffg');
    expect(decoded.packages[0]!.paths).toEqual(['\ufeffx.js']);
  });

  it('refuses front coding that shares fewer bytes than it could: one list, one spelling', () => {
    const digest = new Uint8Array(48).fill(7);
    const files = [{ path: 'dist', digest }, { path: 'dist/a', digest }];
    const bytes = encodeHashList({ generator: 'g', configHash: 'c', packages: [{ name: 'lib', versions: [{ version: '1.0.0', files }] }] });
    // 'dist/a' is written as (shared 4, suffix "/a"); spell it (shared 3, suffix "t/a").
    const canonical = Uint8Array.of(4, 2, 0x2f, 0x61);
    const at = bytes.findIndex((_, i) => canonical.every((b, j) => bytes[i + j] === b));
    const loose = Uint8Array.of(...bytes.subarray(0, at), 3, 3, 0x74, 0x2f, 0x61, ...bytes.subarray(at + canonical.length));
    expect(() => decodeHashList(loose)).toThrow(/fewer than it could/);
  });

  it('accepts an empty list', () => {
    const list = parseHashList(encodeHashList({ generator: 'g', configHash: 'c', packages: [] }));
    expect(list.stats).toEqual({ packages: 0, versions: 0, files: 0, distinctHashes: 0 });
    expect(list.lookup('https://unpkg.com/jquery@3.7.1/dist/jquery.js')).toBeUndefined();
  });
});
