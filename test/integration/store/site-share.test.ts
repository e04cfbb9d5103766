/**
 * Junk assets must not flush the cache (issue 10, item 2): a site's pages may add at most
 * SITE_SHARE_PER_DAY of the budget in new blobs per 24 hours, so a page that loads hundreds of
 * unique cacheable files evicts no other site's files.
 */
import { afterEach, expect, it } from 'vitest';
import { SITE_SHARE_PER_DAY, SiteBudgetError } from '../../../src/store/index.ts';
import { bytesOf, multihashKey, openTestStore, type TestStore } from './fixtures.ts';

let t: TestStore | undefined;
afterEach(() => t?.store.close());

const DAY = 86_400_000;

async function blob(seed: number, size: number) {
  const bytes = bytesOf(size, seed);
  return { bytes, mh: await multihashKey(bytes) };
}

it('a site loading 300 unique junk files stores its share and evicts no other site\'s file', async () => {
  t = await openTestStore();
  t.budget.bytes = 1_000_000;
  // Ten sites filled the cache over ten days, 90 KB each; site0.test's files are in daily use.
  const popular = [];
  const others = [];
  for (let s = 0; s < 10; s++) {
    for (let i = 0; i < 9; i++) {
      const b = await blob(s * 100 + i + 1, 10_000);
      await t.store.blobs.put(b.mh, b.bytes, 'text/javascript', { site: `site${s}.test` });
      if (s === 0) popular.push(b.mh);
      others.push(b.mh);
    }
    t.clock.advance(DAY);
  }
  expect(await t.store.blobs.totalBytes()).toBe(900_000);

  let stored = 0;
  let refused = 0;
  for (let i = 0; i < 300; i++) {
    // site0.test's visitors keep using its files.
    if (i % 25 === 0) for (const mh of popular) await t.store.blobs.touch(mh);
    const b = await blob(10_000 + i, 5_000);
    try {
      await t.store.blobs.put(b.mh, b.bytes, 'text/javascript', { site: 'junk.test' });
      stored++;
    } catch (e) {
      expect(e).toBeInstanceOf(SiteBudgetError);
      refused++;
    }
    t.clock.advance(10);
  }
  expect(stored).toBe((1_000_000 * SITE_SHARE_PER_DAY) / 5_000);
  expect(refused).toBe(300 - stored);
  // Plain LRU would have evicted every file but site0.test's (the junk is newer): none went.
  for (const mh of others) expect(await t.store.blobs.has(mh)).toBe(true);
  expect(await t.store.blobs.totalBytes()).toBeLessThanOrEqual(1_000_000);
});

it('counts only new bytes, for 24 hours; bytes from LAN peers (no site) and stored again are free', async () => {
  t = await openTestStore();
  t.budget.bytes = 100_000; // a share of 10,000 bytes
  const a = await blob(1, 8_000);
  const b = await blob(2, 8_000);
  await t.store.blobs.put(a.mh, a.bytes, 'text/javascript', { site: 'junk.test' });
  await expect(t.store.blobs.put(b.mh, b.bytes, 'text/javascript', { site: 'junk.test' })).rejects.toBeInstanceOf(SiteBudgetError);
  expect(await t.store.blobs.has(b.mh)).toBe(false);
  // The same bytes again (the page reloads): no new bytes, no charge.
  await t.store.blobs.put(a.mh, a.bytes, 'text/javascript', { site: 'junk.test' });
  // Another site, and a LAN peer's block, are not charged for junk.test's share.
  await t.store.blobs.put(b.mh, b.bytes, 'text/javascript', { site: 'news.test' });
  const c = await blob(3, 8_000);
  await t.store.blobs.put(c.mh, c.bytes, 'text/javascript');
  // A day later junk.test has a share again.
  t.clock.advance(DAY);
  const d = await blob(4, 8_000);
  await t.store.blobs.put(d.mh, d.bytes, 'text/javascript', { site: 'junk.test' });
  expect(await t.store.blobs.has(d.mh)).toBe(true);
  expect((await t.store.db.blobMeta.get(a.mh))?.site).toBe('junk.test');
});
