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

it('gives up on an endless body and a stalled one, stores neither, and still learns the next file', async () => {
  store = await openMemoryStore();
  const noList: HashListIndex = { lookup: () => undefined, urlsFor: () => [], isListed: () => false, packagedFile: () => undefined };
  // LAN sharing on, so learning downloads a file a page loaded once (learning-cost.ts).
  const settings = { ...mergeSettings({}).values, sharingMode: 'lan' as const, lanNodes: ['/ip4/127.0.0.1/tcp/9/ws'] };
  const log: string[] = [];
  const ctx: CacheContext = { store, hashList: noList, settings: () => settings, pausedSites: () => [], now: Date.now, log: (l) => log.push(l) };
  const learner = createLearner(ctx, () => undefined);
  const safety = {} as SiteSafetyView;
  const env: EngineEnv = { cache: async () => ctx, learner: async () => learner, peers: { fetch: async () => 'unavailable', lookup: async () => 'unavailable' }, safety, maxAssetBytes: () => 1_000_000, log: (l) => log.push(l) };

  let endlessSent = 0;
  const origin: typeof fetch = async (input) => {
    const url = String(input);
    if (url.endsWith('/endless.js')) {
      return new Response(new ReadableStream({ pull: (c) => void ((endlessSent += 65_536), c.enqueue(new Uint8Array(65_536))) }), { status: 200, headers: HEADERS });
    }
    if (url.endsWith('/stalled.js')) return new Response(new ReadableStream({ pull: () => new Promise(() => undefined) }), { status: 200, headers: HEADERS });
    return new Response(GOOD, { status: 200, headers: HEADERS });
  };
  const queue = createRefetchQueue({ env, fetch: origin, sightings: memoryState(), downloadTimeoutMs: 300 });
  const seen = (path: string) => ({ url: `https://cdn.evil.test${path}`, method: 'GET', status: 200, responseHeaders: HEADERS.map(([name, value]) => ({ name, value })), initiator: 'https://evil.test' });

  // Two hostile files take both slots; the good one waits for a slot.
  queue.consider(seen('/endless.js'));
  queue.consider(seen('/stalled.js'));
  queue.consider(seen('/good.js'));

  await waitFor(async () => (await store!.bindings.lookup('https://cdn.evil.test/good.js', Date.now())) !== undefined, 5_000, 'the good file learned');
  await waitFor(() => log.some((l) => l.includes('stalled.js')), 5_000, 'the stalled download given up');
  expect(await store.bindings.lookup('https://cdn.evil.test/endless.js', Date.now())).toBeUndefined();
  expect(await store.bindings.lookup('https://cdn.evil.test/stalled.js', Date.now())).toBeUndefined();
  expect(endlessSent).toBeLessThan(1_000_000 + 4 * 65_536);
  expect(log).toEqual(expect.arrayContaining([expect.stringContaining('endless.js: download given up (too-large)'), expect.stringContaining('stalled.js: download given up (timeout)')]));
});
