// The list that ships: extension/hash-list.bin, as `npm run hash-list` wrote it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHashList } from '../../../../src/core/hash-list/index.ts';
import { encodeBase64 } from '../../../../src/core/integrity/index.ts';
import { configHash, readConfig } from '../../../../scripts/hash-list/config.ts';

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

  it('was built from the committed packages.json (rerun `npm run hash-list` after editing it)', () => {
    const config = readConfig(join(ROOT, 'scripts', 'hash-list', 'packages.json'));
    expect(list.meta.configHash).toBe(configHash(config));
    expect(config.packages.jquery?.keep).toContain('3.7.1');
  });
});
