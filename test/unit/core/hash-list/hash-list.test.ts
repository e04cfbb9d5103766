import { describe, expect, it } from 'vitest';
import {
  InvalidHashListSourceError,
  encodeHashList,
  parseHashList,
  type HashListSource,
} from '../../../../src/core/hash-list/index.ts';
import { encodeBase64, sriEntryToKey } from '../../../../src/core/integrity/index.ts';
import { fixtureBytes, fixtureSource, sha384 } from './fixture.ts';

describe('parseHashList', () => {
  it('reads back every file the encoder wrote, from both CDNs', async () => {
    const source = await fixtureSource();
    const list = parseHashList(encodeHashList(source));
    for (const pkg of source.packages) {
      for (const { version, files } of pkg.versions) {
        for (const { path, digest } of files) {
          const encoded = path.split('/').map(encodeURIComponent).join('/');
          for (const origin of ['https://cdn.jsdelivr.net/npm', 'https://unpkg.com']) {
            const entry = list.lookup(`${origin}/${pkg.name}@${version}/${encoded}`);
            expect(entry, `${origin} ${pkg.name}@${version}/${path}`).toEqual({
              algorithm: 'sha384',
              digest,
              key: sriEntryToKey({ algorithm: 'sha384', digest }),
            });
          }
        }
      }
    }
  });

  it('counts packages, versions, files and distinct hashes, and keeps the provenance', async () => {
    const bytes = await fixtureBytes();
    const buffer = new ArrayBuffer(bytes.length);
    new Uint8Array(buffer).set(bytes);
    const list = parseHashList(buffer); // what fetch().arrayBuffer() gives
    expect(list.stats).toEqual({ packages: 2, versions: 4, files: 8, distinctHashes: 6 });
    expect(list.meta).toEqual({ formatVersion: 2, generator: 'test/1', configHash: 'sha256-test' });
  });

  it('lists every URL serving a hash: both CDNs, every version and package that ships it', async () => {
    const list = parseHashList(await fixtureBytes());
    const key = sriEntryToKey({ algorithm: 'sha384', digest: await sha384('shared library bytes') });
    expect(list.isListed(key)).toBe(true);
    expect(list.urlsFor(key)).toEqual([
      'https://cdn.jsdelivr.net/npm/@scope/pkg@3.2.1/vendor/lib.min.js',
      'https://cdn.jsdelivr.net/npm/lib@1.0.0/dist/lib.min.js',
      'https://cdn.jsdelivr.net/npm/lib@1.1.0/dist/lib.min.js',
      'https://unpkg.com/@scope/pkg@3.2.1/vendor/lib.min.js',
      'https://unpkg.com/lib@1.0.0/dist/lib.min.js',
      'https://unpkg.com/lib@1.1.0/dist/lib.min.js',
    ]);
  });

  it('gives URLs that look up to the hash they were listed for, special characters included', async () => {
    const list = parseHashList(await fixtureBytes());
    for (const text of ['a font', 'odd characters']) {
      const key = sriEntryToKey({ algorithm: 'sha384', digest: await sha384(text) });
      const urls = list.urlsFor(key);
      expect(urls).toHaveLength(2);
      for (const url of urls) expect(list.lookup(url)?.key).toBe(key);
    }
    const font = list.urlsFor(sriEntryToKey({ algorithm: 'sha384', digest: await sha384('a font') }));
    expect(font).toContain('https://unpkg.com/lib@1.1.0/dist/fonts/icon%20font.woff2');
  });

  it('answers "not listed" for unknown files, versions, packages and hashes, and for non-keys', async () => {
    const list = parseHashList(await fixtureBytes());
    expect(list.lookup('https://unpkg.com/lib@1.0.0/dist/fonts/icon%20font.woff2')).toBeUndefined(); // path of another version
    expect(list.lookup('https://unpkg.com/lib@1.2.0/dist/lib.min.js')).toBeUndefined();
    expect(list.lookup('https://unpkg.com/other@1.0.0/dist/lib.min.js')).toBeUndefined();
    expect(list.lookup('https://unpkg.com/lib@1.0.0/dist')).toBeUndefined();
    const unknown = sriEntryToKey({ algorithm: 'sha384', digest: await sha384('never listed') });
    const sha256Key = sriEntryToKey({ algorithm: 'sha256', digest: new Uint8Array(32) });
    for (const key of [unknown, sha256Key, '', 'not a key', 'IDDU']) {
      expect(list.isListed(key)).toBe(false);
      expect(list.urlsFor(key)).toEqual([]);
    }
  });

  it('hands out digests the caller may change without changing the list', async () => {
    const list = parseHashList(await fixtureBytes());
    const url = 'https://unpkg.com/lib@1.0.0/dist/lib.css';
    list.lookup(url)!.digest.fill(0);
    expect(encodeBase64(list.lookup(url)!.digest)).toBe(encodeBase64(await sha384('lib 1.0.0 css')));
  });
});

const DIGEST = new Uint8Array(48);

describe('encodeHashList', () => {
  it('is canonical: the same files in another order give the same bytes', async () => {
    const source = await fixtureSource();
    const shuffled: HashListSource = {
      ...source,
      packages: [...source.packages].reverse().map((pkg) => ({
        ...pkg,
        versions: [...pkg.versions].reverse().map((v) => ({ ...v, files: [...v.files].reverse() })),
      })),
    };
    expect(encodeHashList(shuffled)).toEqual(encodeHashList(source));
  });

  it('stores a digest shared by several files once', async () => {
    const source = await fixtureSource();
    const bytes = encodeHashList(source);
    const digest = await sha384('shared library bytes');
    let copies = 0;
    for (let i = 0; i + 48 <= bytes.length; i++) if (digest.every((b, j) => bytes[i + j] === b)) copies++;
    expect(copies).toBe(1);
  });

  it.each([
    ['a range as version', { name: 'lib', versions: [{ version: '^1.0.0', files: [] }] }],
    ['a tag as version', { name: 'lib', versions: [{ version: 'latest', files: [] }] }],
    ['an invalid package name', { name: 'Lib', versions: [] }],
    ['a traversing path', { name: 'lib', versions: [{ version: '1.0.0', files: [{ path: 'a/../b.js', digest: DIGEST }] }] }],
    ['a short digest', { name: 'lib', versions: [{ version: '1.0.0', files: [{ path: 'a.js', digest: DIGEST.subarray(16) }] }] }],
    [
      'a duplicate path',
      {
        name: 'lib',
        versions: [
          {
            version: '1.0.0',
            files: [
              { path: 'a.js', digest: new Uint8Array(48) },
              { path: 'a.js', digest: new Uint8Array(48).fill(1) },
            ],
          },
        ],
      },
    ],
    ['a duplicate version', { name: 'lib', versions: [{ version: '1.0.0', files: [] }, { version: '1.0.0', files: [] }] }],
  ])('refuses %s', (_label, pkg) => {
    expect(() => encodeHashList({ generator: 'g', configHash: 'c', packages: [pkg] })).toThrow(InvalidHashListSourceError);
  });
});
