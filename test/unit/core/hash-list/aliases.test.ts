// Format 2: URLs of CDNs whose paths are not npm's (aliases), and the packaged set.
import { describe, expect, it } from 'vitest';
import { CorruptHashListError, InvalidHashListSourceError, encodeHashList, parseHashList, type HashListSource } from '../../../../src/core/hash-list/index.ts';
import { sriEntryToKey } from '../../../../src/core/integrity/index.ts';
import { fixtureSource, sha384 } from './fixture.ts';

const CDNJS_LIB = 'https://cdnjs.cloudflare.com/ajax/libs/lib/1.1.0/lib.min.js';
const GOOGLE_LIB = 'https://ajax.googleapis.com/ajax/libs/lib/1.1.0/lib.min.js';
const CDNJS_CSS = 'https://cdnjs.cloudflare.com/ajax/libs/lib/1.1.0/css/lib.css';

async function withAliases(): Promise<HashListSource> {
  return {
    ...(await fixtureSource()),
    aliases: [
      { url: GOOGLE_LIB, packageName: 'lib', version: '1.1.0', path: 'dist/lib.min.js' },
      { url: CDNJS_LIB, packageName: 'lib', version: '1.1.0', path: 'dist/lib.min.js' },
      { url: CDNJS_CSS, packageName: 'lib', version: '1.1.0', path: 'dist/lib.css' },
    ],
    packaged: [
      { packageName: 'lib', version: '1.1.0', path: 'dist/lib.css' },
      { packageName: 'lib', version: '1.1.0', path: 'dist/fonts/icon font.woff2' },
    ],
  };
}

describe('hash list aliases and packaged files', () => {
  it('binds an alias to the bytes of its file, and lists it among the URLs of those bytes', async () => {
    const list = parseHashList(encodeHashList(await withAliases()));
    const shared = await sha384('shared library bytes');
    const key = sriEntryToKey({ algorithm: 'sha384', digest: shared });
    expect(list.lookup(CDNJS_LIB)?.key).toBe(key);
    expect(list.lookup(`${CDNJS_LIB}#frag`)?.key).toBe(key);
    expect(list.lookup(GOOGLE_LIB)?.key).toBe(key);
    expect(list.urlsFor(key)).toEqual(
      expect.arrayContaining([CDNJS_LIB, GOOGLE_LIB, 'https://unpkg.com/lib@1.1.0/dist/lib.min.js', 'https://unpkg.com/@scope/pkg@3.2.1/vendor/lib.min.js']),
    );
    const css = list.lookup(CDNJS_CSS)!;
    expect(css.key).toBe(sriEntryToKey({ algorithm: 'sha384', digest: await sha384('lib 1.1.0 css') }));
  });

  it('answers no other URL: a query, another case, a neighbour path', async () => {
    const list = parseHashList(encodeHashList(await withAliases()));
    expect(list.lookup(`${CDNJS_LIB}?v=1`)).toBeUndefined();
    expect(list.lookup(CDNJS_LIB.replace('lib.min.js', 'LIB.min.js'))).toBeUndefined();
    expect(list.lookup(CDNJS_LIB.replace('1.1.0', '1.0.0'))).toBeUndefined();
  });

  it('names each packaged file by its path in the package layout, with every URL it answers', async () => {
    const list = parseHashList(encodeHashList(await withAliases()));
    const files = list.packagedFiles();
    expect(files.map((f) => f.extensionPath)).toEqual(['pkg/lib@1.1.0/dist/fonts/icon font.woff2', 'pkg/lib@1.1.0/dist/lib.css']);
    const css = list.lookup(CDNJS_CSS)!;
    expect(list.packagedFile(css.key)?.urls).toEqual(
      [CDNJS_CSS, 'https://cdn.jsdelivr.net/npm/lib@1.1.0/dist/lib.css', 'https://unpkg.com/lib@1.1.0/dist/lib.css'].sort(),
    );
    expect(list.packagedFile(list.lookup(CDNJS_LIB)!.key)).toBeUndefined();
  });

  it('refuses an alias or packaged file that names no listed file, and URLs a browser never sends', async () => {
    const source = await withAliases();
    const missing = { ...source, aliases: [{ url: CDNJS_LIB, packageName: 'lib', version: '9.9.9', path: 'dist/lib.min.js' }] };
    expect(() => encodeHashList(missing)).toThrow(InvalidHashListSourceError);
    const notPackaged = { ...source, packaged: [{ packageName: 'lib', version: '1.0.0', path: 'nope.js' }] };
    expect(() => encodeHashList(notPackaged)).toThrow(InvalidHashListSourceError);
    for (const url of [`${CDNJS_LIB}?v=1`, 'http://cdnjs.cloudflare.com/a.js', 'https://CDNJS.cloudflare.com/a.js', 'https://x.test:8443/a.js', 'https://x.test/a/../b.js']) {
      const bad = { ...source, aliases: [{ url, packageName: 'lib', version: '1.1.0', path: 'dist/lib.min.js' }] };
      expect(() => encodeHashList(bad), url).toThrow(InvalidHashListSourceError);
    }
  });

  it('refuses a list whose alias points past its files', async () => {
    const bytes = encodeHashList(await withAliases());
    // The packaged section ends the list: its last varint is a path index. Point it past the table.
    const damaged = bytes.slice();
    damaged[damaged.length - 1] = 0x7f;
    expect(() => parseHashList(damaged)).toThrow(CorruptHashListError);
  });
});
