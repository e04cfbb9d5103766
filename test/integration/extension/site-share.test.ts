/**
 * Learning through a page that loads unique cacheable junk (issue 10, item 2): the learner
 * stores the site's share of the cache for the day and refuses the rest; another site's file
 * learned before is still served.
 */
import { afterEach, expect, it } from 'vitest';
import { mergeSettings } from '../../../src/core/settings/index.ts';
import type { CacheContext, HashListIndex } from '../../../src/extension/cache/context.ts';
import { createLearner } from '../../../src/extension/cache/learner.ts';
import { resolveServable } from '../../../src/extension/cache/resolver.ts';
import { QuotaFullError, type Store } from '../../../src/store/index.ts';
import { openMemoryStore } from '../../support/memory-store.ts';

let store: Store | undefined;
afterEach(() => store?.close());

const HEADERS = [
  { name: 'content-type', value: 'text/javascript' },
  { name: 'cache-control', value: 'public, max-age=86400' },
  { name: 'access-control-allow-origin', value: '*' },
];

it('stores a junk site\'s share and refuses the rest; the cache keeps another site\'s file', async () => {
  store = await openMemoryStore({ maxCacheBytes: () => 1_000_000 });
  const noList: HashListIndex = { lookup: () => undefined, urlsFor: () => [], isListed: () => false, packagedFile: () => undefined };
  const settings = { ...mergeSettings({}).values, requirePopular: false };
  const log: string[] = [];
  const ctx: CacheContext = { store, hashList: noList, settings: () => settings, pausedSites: () => [], now: Date.now, log: (l) => log.push(l) };
  const learner = createLearner(ctx, () => undefined);
  const learn = (url: string, initiator: string, bytes: Uint8Array) => {
    const seen = { url, method: 'GET', status: 200, responseHeaders: HEADERS, initiator };
    return learner.learn(seen, learner.admit(seen)!, bytes, 0);
  };

  const app = new Uint8Array(90_000).fill(7);
  expect(await learn('https://static.news.test/app.js', 'https://news.test/', app)).toBe('stored');

  const outcomes: string[] = [];
  for (let i = 0; i < 300; i++) {
    const junk = new Uint8Array(4_000).fill(i % 256);
    junk[0] = i >> 8;
    outcomes.push(await learn(`https://junk.test/j.js?i=${i}`, 'https://junk.test/', junk));
  }
  expect(outcomes.filter((o) => o === 'stored')).toHaveLength(25); // 100,000 bytes of 4,000
  expect(outcomes.filter((o) => o === 'refused')).toHaveLength(275);
  expect(log.some((l) => l.includes('junk.test added'))).toBe(true);
  expect((await resolveServable(ctx, 'https://static.news.test/app.js', 'https://news.test/'))?.blob.size).toBe(90_000);
});

it('a disk the browser says is full refuses the file with a clear line; what was stored stays served and learning goes on', async () => {
  store = await openMemoryStore({ maxCacheBytes: () => 1_000_000 });
  const noList: HashListIndex = { lookup: () => undefined, urlsFor: () => [], isListed: () => false, packagedFile: () => undefined };
  const settings = { ...mergeSettings({}).values, requirePopular: false };
  const log: string[] = [];
  // The store evicts and retries on a quota refusal (test/integration/store); when the browser
  // still refuses, it throws QuotaFullError with the write rolled back. Here the disk is full
  // for the second file only.
  let diskFull = false;
  const real = store;
  const full: Store = { ...real, blobs: { ...real.blobs, put: (...a: Parameters<Store['blobs']['put']>) => (diskFull ? Promise.reject(new QuotaFullError(new DOMException('full', 'QuotaExceededError'))) : real.blobs.put(...a)) } };
  const ctx: CacheContext = { store: full, hashList: noList, settings: () => settings, pausedSites: () => [], now: Date.now, log: (l) => log.push(l) };
  const learned: string[] = [];
  const learner = createLearner(ctx, (k) => learned.push(k));
  const learn = (url: string, bytes: Uint8Array) => {
    const seen = { url, method: 'GET', status: 200, responseHeaders: HEADERS, initiator: 'https://news.test/' };
    return learner.learn(seen, learner.admit(seen)!, bytes, 0);
  };
  expect(await learn('https://static.news.test/a.js', new Uint8Array(10_000).fill(1))).toBe('stored');
  diskFull = true;
  expect(await learn('https://static.news.test/b.js', new Uint8Array(10_000).fill(2))).toBe('refused');
  expect(log.some((l) => l.includes('b.js not stored: storage quota exceeded'))).toBe(true);
  diskFull = false;
  expect(await learn('https://static.news.test/c.js', new Uint8Array(10_000).fill(3))).toBe('stored');
  expect(learned).toHaveLength(2);
  expect((await resolveServable(ctx, 'https://static.news.test/a.js', 'https://news.test/'))?.blob.size).toBe(10_000);
  // No binding was written for the file that was not stored.
  expect(await resolveServable(ctx, 'https://static.news.test/b.js', 'https://news.test/')).toBeUndefined();
});

it('a page spread over many subdomains (frames of a1.junk.test, a2.junk.test, …) shares one site\'s share', async () => {
  store = await openMemoryStore({ maxCacheBytes: () => 1_000_000 });
  const noList: HashListIndex = { lookup: () => undefined, urlsFor: () => [], isListed: () => false, packagedFile: () => undefined };
  const settings = { ...mergeSettings({}).values, requirePopular: false };
  const ctx: CacheContext = { store, hashList: noList, settings: () => settings, pausedSites: () => [], now: Date.now, log: () => undefined };
  const learner = createLearner(ctx, () => undefined);
  const outcomes: string[] = [];
  for (let i = 0; i < 100; i++) {
    const junk = new Uint8Array(4_000).fill(i);
    const seen = { url: `https://cdn.junk.test/j${i}.js`, method: 'GET', status: 200, responseHeaders: HEADERS, initiator: `https://a${i}.junk.test/` };
    outcomes.push(await learner.learn(seen, learner.admit(seen)!, junk, 0));
  }
  // One share (10% of 1,000,000 bytes) for all of junk.test, not one per subdomain.
  expect(outcomes.filter((o) => o === 'stored')).toHaveLength(25);
  expect(await learner.siteHasShare({ url: 'https://cdn.junk.test/more.js', method: 'GET', status: 200, responseHeaders: HEADERS, initiator: 'https://a200.junk.test/' })).toBe(false);
  // Another registrable domain still has its own.
  expect(await learner.siteHasShare({ url: 'https://cdn.news.test/a.js', method: 'GET', status: 200, responseHeaders: HEADERS, initiator: 'https://www.news.test/' })).toBe(true);
});
