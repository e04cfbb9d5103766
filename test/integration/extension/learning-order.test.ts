/**
 * Chromium learning reads the page's own HTTP cache before it asks the LAN (issue 12, never
 * twice): the read costs no download and no LAN bytes, and needs the page's document, which a
 * tab closed right after its page loaded takes away while the LAN is asked (lan e2e 'both
 * running in one office' downloaded jQuery a second time). When the document is gone, the LAN
 * still comes before the origin, and the origin is asked once.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { computeDigest, sriEntryToKey, verifyMultihashKey } from '../../../src/core/integrity/index.ts';
import { mergeSettings } from '../../../src/core/settings/index.ts';
import type { CacheContext, HashListIndex } from '../../../src/extension/cache/context.ts';
import { createLearner } from '../../../src/extension/cache/learner.ts';
import { bindingFor } from '../../../src/extension/cache/resolver.ts';
import type { EngineEnv, JsonState, SiteSafetyView } from '../../../src/extension/serving/engine-types.ts';
import { createRefetchQueue } from '../../../src/extension/serving/refetch-queue.ts';
import { openStore, type Store } from '../../../src/store/index.ts';

const URL = 'https://cdn.test/lib.js';
const BYTES = new TextEncoder().encode('window.lib = 1;');
const HEADERS = [['content-type', 'text/javascript'], ['cache-control', 'public, max-age=86400'], ['access-control-allow-origin', '*'], ['content-length', String(BYTES.byteLength)]] as const;
const settings = mergeSettings({ user: { sharingMode: 'lan', lanNodes: ['/ip4/127.0.0.1/tcp/9/ws'] } }).values;

let store: Store | undefined;
afterEach(() => store?.close());

/** A browser whose public list names URL (so its hash is known and a LAN peer may hold it). */
async function browser(): Promise<CacheContext> {
  const key = sriEntryToKey({ algorithm: 'sha256', digest: await computeDigest('sha256', BYTES) });
  const list: HashListIndex = { lookup: (u: string) => (u === URL ? { key, type: 'text/javascript' } : undefined), urlsFor: () => [URL], isListed: (k: string) => k === key, packagedFile: () => undefined } as never;
  store = await openStore({ indexedDB: new IDBFactory(), IDBKeyRange, verify: (b, k) => verifyMultihashKey(b, k), now: Date.now, maxCacheBytes: () => 1e8, onCorrupt: () => {} });
  return { store, hashList: list, settings: () => settings, pausedSites: () => [], now: Date.now, log: () => {} };
}

async function learn(ctx: CacheContext, o: { documentThere: boolean; lanHas: boolean }) {
  const order: string[] = [];
  const state = <T>(): JsonState<T> => { let v: T | undefined; return { read: async () => v, write: async (x) => void (v = x) }; };
  let done = false;
  const env: EngineEnv = {
    cache: async () => ctx,
    learner: async () => createLearner(ctx, () => void (done = true)),
    peers: {
      fetch: async (k) => {
        order.push('lan fetch');
        if (!o.lanHas) return 'unavailable';
        await ctx.store.blobs.put(k, BYTES, 'text/javascript');
        done = true;
        return 'stored';
      },
      lookup: async () => (order.push('lan lookup'), 'unavailable'),
    },
    safety: {} as SiteSafetyView, maxAssetBytes: () => 1e6, log: () => {},
  };
  const queue = createRefetchQueue({
    env, sightings: state(), pageCacheMiss: state(),
    fetch: (async () => (order.push('download'), new Response(BYTES, { status: 200, headers: Object.fromEntries(HEADERS) }))) as typeof fetch,
    readPageCache: async () => {
      order.push('page cache');
      return (o.documentThere ? { ok: true, bytes: BYTES, fromCache: true, headers: Object.fromEntries(HEADERS) } : { ok: false, requested: false }) as never;
    },
  });
  queue.consider({
    url: URL, method: 'GET', status: 200, responseHeaders: HEADERS.map(([name, value]) => ({ name, value })), initiator: 'https://site-a.test',
    type: 'script', fromCache: false, document: { tabId: 1, documentId: 'doc-1' }, request: { credentialed: false, cors: false },
  } as never);
  const deadline = Date.now() + 5_000;
  while (!done && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 50));
  return order;
}

describe('what Chromium learning asks first', () => {
  it('the page\'s own cache, while its document is there: no LAN round trip, no download', async () => {
    const ctx = await browser();
    expect(await learn(ctx, { documentThere: true, lanHas: true })).toEqual(['page cache']);
    expect(await bindingFor(ctx, URL)).toBeDefined();
    expect(await ctx.store.blobs.has((await bindingFor(ctx, URL))!.key)).toBe(true);
  });

  it('the LAN next when the document is gone, and the origin not at all when a peer has it', async () => {
    const ctx = await browser();
    expect(await learn(ctx, { documentThere: false, lanHas: true })).toEqual(['page cache', 'lan fetch']);
  });

  it('the origin last, once, when the document is gone and nobody on the LAN has the file', async () => {
    const ctx = await browser();
    const order = await learn(ctx, { documentThere: false, lanHas: false });
    expect(order.slice(0, 3)).toEqual(['page cache', 'lan fetch', 'lan lookup']);
    expect(order.filter((step) => step === 'download')).toHaveLength(1);
    expect(order.at(-1)).toBe('download');
    expect(await ctx.store.blobs.has((await bindingFor(ctx, URL))!.key)).toBe(true);
  });
});
