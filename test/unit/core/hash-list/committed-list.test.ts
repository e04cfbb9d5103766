// The list that ships: extension/hash-list.bin, as `npm run hash-list` wrote it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHashList } from '../../../../src/core/hash-list/index.ts';
import { encodeBase64 } from '../../../../src/core/integrity/index.ts';
import { listHash, readConfig } from '../../../../scripts/hash-list/config.ts';
import { existsSync } from 'node:fs';
import { computeDigest, sriEntryToKey } from '../../../../src/core/integrity/index.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');

// sha384 of package/dist/jquery.min.js in the npm tarball of jquery@3.7.1 (87,533 bytes),
// computed with `tar -xzOf jquery-3.7.1.tgz package/dist/jquery.min.js | openssl dgst
// -sha384 -binary | base64`. The same bytes' sha256 is the one code.jquery.com publishes
// (sha256-/JqT3SQfawRcv/BIHPThkBvs0OEvtFFmqPF/lYI/Cxo=), so the tarball is the CDN file.
const JQUERY_3_7_1_MIN_SHA384 = '1H217gwSVyLSIfaLxHbE7dRb3v4mYCKbpQvzx0cegeju1MVsGrX5xXxAvs/HgeFs';

describe('the committed public hash list', () => {
  const list = parseHashList(readFileSync(join(ROOT, 'extension', 'hash-list.bin')));

  it('parses and covers at least 40 packages', () => {
    expect(list.stats.packages).toBeGreaterThanOrEqual(40);
    expect(list.stats.files).toBeGreaterThan(list.stats.distinctHashes);
  });

  it('binds jquery 3.7.1 dist/jquery.min.js on both CDNs to its real sha384', () => {
    const jsdelivr = list.lookup('https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js');
    const unpkg = list.lookup('https://unpkg.com/jquery@3.7.1/dist/jquery.min.js');
    expect(jsdelivr && encodeBase64(jsdelivr.digest)).toBe(JQUERY_3_7_1_MIN_SHA384);
    expect(unpkg).toEqual(jsdelivr);
    expect(list.urlsFor(jsdelivr!.key)).toContain('https://unpkg.com/jquery@3.7.1/dist/jquery.min.js');
  });

  it('binds the URL shapes real pages use, each on evidence, to the bytes of the npm file', () => {
    const jquery = list.lookup('https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js')!.key;
    for (const url of [
      'https://code.jquery.com/jquery-3.7.1.min.js',
      'https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js',
      'https://ajax.googleapis.com/ajax/libs/jquery/3.7.1/jquery.min.js',
    ]) {
      expect(list.lookup(url)?.key, url).toBe(jquery);
      expect(list.urlsFor(jquery)).toContain(url);
    }
    // The sample of pervasive URLs (issue 9): each bound.
    for (const url of [
      'https://ajax.googleapis.com/ajax/libs/jquery/1.12.4/jquery.min.js',
      'https://code.jquery.com/jquery-1.12.4.min.js',
      'https://cdnjs.cloudflare.com/ajax/libs/jquery/3.6.0/jquery.min.js',
      'https://maxcdn.bootstrapcdn.com/bootstrap/3.3.7/css/bootstrap.min.css',
      'https://cdnjs.cloudflare.com/ajax/libs/font-awesome/4.7.0/css/font-awesome.min.css',
      'https://unpkg.com/aos@2.3.4/dist/aos.css',
    ]) {
      expect(list.lookup(url), url).toBeDefined();
    }
    // No evidence, no binding: a URL shape the list knows, at a file nobody measured.
    expect(list.lookup('https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.slim.min.js.map')).toBeUndefined();
  });

  it('ships each packaged file with exactly the bytes the list binds, in its package layout', async () => {
    const packaged = list.packagedFiles();
    expect(packaged.length).toBeGreaterThan(50);
    for (const file of packaged) {
      const path = join(ROOT, 'extension', file.extensionPath);
      expect(existsSync(path), file.extensionPath).toBe(true);
      const digest = await computeDigest('sha384', readFileSync(path));
      expect(sriEntryToKey({ algorithm: 'sha384', digest }), file.extensionPath).toBe(file.key);
    }
    // Font Awesome 4.7's stylesheet comes with the font its @font-face loads first.
    const fa = list.lookup('https://cdnjs.cloudflare.com/ajax/libs/font-awesome/4.7.0/css/font-awesome.min.css')!;
    expect(list.packagedFile(fa.key)?.extensionPath).toBe('pkg/font-awesome@4.7.0/css/font-awesome.min.css');
    expect(packaged.map((f) => f.extensionPath)).toContain('pkg/font-awesome@4.7.0/fonts/fontawesome-webfont.woff2');
  });

  it('was built from the committed packages.json and evidence (rerun `npm run hash-list` after editing them)', () => {
    const config = readConfig(join(ROOT, 'scripts', 'hash-list', 'packages.json'));
    expect(list.meta.configHash).toBe(listHash(config));
    expect(config.packages.jquery?.keep).toContain('3.7.1');
  });
});
