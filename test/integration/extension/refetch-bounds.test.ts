/**
 * Chromium learning downloads a URL the page chose, so the page's origin chooses the body
 * (issue 10, item 2): one that never ends or stalls must cost a bounded amount and leave the
 * queue free for the next file.
 */
import { afterEach, expect, it } from 'vitest';
import { mergeSettings } from '../../../src/core/settings/index.ts';
import type { CacheContext, HashListIndex } from '../../../src/extension/cache/context.ts';
import { createLearner } from '../../../src/extension/cache/learner.ts';
import type { EngineEnv, JsonState, SiteSafetyView } from '../../../src/extension/serving/engine-types.ts';
import { createRefetchQueue } from '../../../src/extension/serving/refetch-queue.ts';
import type { Store } from '../../../src/store/index.ts';
import { keyOf } from '../../support/bytes.ts';
import { openMemoryStore } from '../../support/memory-store.ts';
import { waitFor } from '../../support/wait.ts';

let store: Store | undefined;
afterEach(() => store?.close());

const HEADERS: [string, string][] = [
  ['content-type', 'text/javascript'],
  ['cache-control', 'public, max-age=86400'],
  ['access-control-allow-origin', '*'],
];
const GOOD = new TextEncoder().encode('window.good = 1;');

function memoryState<T>(): JsonState<T> {
  let value: T | undefined;
  return { read: async () => value, write: async (v) => void (value = v) };
}

async function lanQueue(maxCacheBytes: number, origin: typeof fetch) {
  store = await openMemoryStore({ maxCacheBytes: () => maxCacheBytes });
  const noList: HashListIndex = { lookup: () => undefined, urlsFor: () => [], isListed: () => false, packagedFile: () => undefined };
  // LAN sharing on, so learning downloads a file a page loaded once (learning-cost.ts).
  const settings = { ...mergeSettings({}).values, sharingMode: 'lan' as const, lanNodes: ['/ip4/127.0.0.1/tcp/9/ws'] };
  const log: string[] = [];
  const ctx: CacheContext = { store, hashList: noList, settings: () => settings, pausedSites: () => [], now: Date.now, log: (l) => log.push(l) };
  const learner = createLearner(ctx, () => undefined);
  const env: EngineEnv = { cache: async () => ctx, learner: async () => learner, peers: { fetch: async () => 'unavailable', lookup: async () => 'unavailable' }, safety: {} as SiteSafetyView, maxAssetBytes: () => 1_000_000, log: (l) => log.push(l) };
  return { queue: createRefetchQueue({ env, fetch: origin, sightings: memoryState(), downloadTimeoutMs: 300 }), log, store };
}

const seenOn = (url: string, initiator: string) => ({ url, method: 'GET', status: 200, responseHeaders: HEADERS.map(([name, value]) => ({ name, value })), initiator });

it('downloads nothing more for a site that has added its share of the cache today; other sites still learn', async () => {
  const fetched: string[] = [];
  const origin: typeof fetch = async (input) => {
    fetched.push(String(input));
    return new Response(String(input), { status: 200, headers: HEADERS });
  };
  const { queue, store } = await lanQueue(100_000, origin); // a share of 10,000 bytes a day
  // evil.test's pages stored 10,000 bytes of new files today.
  const junk = new Uint8Array(10_000).fill(1);
  await store.blobs.put(await keyOf(junk, 'sha384'), junk, 'text/javascript', { site: 'evil.test' });

  queue.consider(seenOn('https://cdn.evil.test/more-junk.js', 'https://evil.test/'));
  queue.consider(seenOn('https://cdn.news.test/app.js', 'https://news.test/'));
  await waitFor(async () => (await store.bindings.lookup('https://cdn.news.test/app.js', Date.now())) !== undefined, 5_000, 'news.test learned');
  expect(fetched).toEqual(['https://cdn.news.test/app.js']);
});

it('gives up on an endless body and a stalled one, stores neither, and still learns the next file', async () => {
  let endlessSent = 0;
  const origin: typeof fetch = async (input) => {
    const url = String(input);
    if (url.endsWith('/endless.js')) {
      return new Response(new ReadableStream({ pull: (c) => void ((endlessSent += 65_536), c.enqueue(new Uint8Array(65_536))) }), { status: 200, headers: HEADERS });
    }
    if (url.endsWith('/stalled.js')) return new Response(new ReadableStream({ pull: () => new Promise(() => undefined) }), { status: 200, headers: HEADERS });
    return new Response(GOOD, { status: 200, headers: HEADERS });
  };
  const { queue, log } = await lanQueue(1e6, origin);
  const seen = (path: string) => seenOn(`https://cdn.evil.test${path}`, 'https://evil.test');

  // Two hostile files take both slots; the good one waits for a slot.
  queue.consider(seen('/endless.js'));
  queue.consider(seen('/stalled.js'));
  queue.consider(seen('/good.js'));

  await waitFor(async () => (await store!.bindings.lookup('https://cdn.evil.test/good.js', Date.now())) !== undefined, 5_000, 'the good file learned');
  await waitFor(() => log.some((l) => l.includes('stalled.js')), 5_000, 'the stalled download given up');
  expect(await store!.bindings.lookup('https://cdn.evil.test/endless.js', Date.now())).toBeUndefined();
  expect(await store!.bindings.lookup('https://cdn.evil.test/stalled.js', Date.now())).toBeUndefined();
  expect(endlessSent).toBeLessThan(1_000_000 + 4 * 65_536);
  expect(log).toEqual(expect.arrayContaining([expect.stringContaining('endless.js: download given up (too-large)'), expect.stringContaining('stalled.js: download given up (timeout)')]));
});
