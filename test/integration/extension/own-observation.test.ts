/**
 * A member's own fresh observation always beats a group claim (issue 10, item 1). The group's
 * book can name, for a URL, bytes one dishonest member chose; a browser that saw the origin
 * serve other bytes must keep serving those, and a browser whose page just loaded the URL must
 * learn what the origin sent rather than take the claim's block.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { computeDigest, sriEntryToKey, verifyMultihashKey } from '../../../src/core/integrity/index.ts';
import { mergeSettings } from '../../../src/core/settings/index.ts';
import type { CacheContext, HashListIndex } from '../../../src/extension/cache/context.ts';
import { createLearner } from '../../../src/extension/cache/learner.ts';
import { bindingFor, resolveServable } from '../../../src/extension/cache/resolver.ts';
import { learnGroupBindings } from '../../../src/extension/peers/group-bindings.ts';
import type { EngineEnv, JsonState, SiteSafetyView } from '../../../src/extension/serving/engine-types.ts';
import { createRefetchQueue } from '../../../src/extension/serving/refetch-queue.ts';
import type { GroupBinding } from '../../../src/p2p/bindings/index.ts';
import { openStore, type Store } from '../../../src/store/index.ts';

const URL = 'https://static.site-a.test/app.js';
const DAY = 86_400_000;
const ORIGIN_BYTES = new TextEncoder().encode('window.app = "what the origin serves";');
const FORGED_BYTES = new TextEncoder().encode('window.app = "what one member claims";');
const sha384 = async (b: Uint8Array): Promise<string> => sriEntryToKey({ algorithm: 'sha384', digest: await computeDigest('sha384', b) });
const noList: HashListIndex = { lookup: () => undefined, urlsFor: () => [], isListed: () => false, packagedFile: () => undefined };
const settings = mergeSettings({ user: { sharingMode: 'lan', lanNodes: ['/ip4/127.0.0.1/tcp/9/ws'], groupKey: 'ab'.repeat(32), trustGroupBindings: true, minLanPeers: 2 } }).values;
/** The claim as the LAN node tells it: held by "5 members", loaded on site-a's pages. */
const claim = async (): Promise<GroupBinding> => ({ url: URL, mh: await sha384(FORGED_BYTES), freshUntil: Date.now() + DAY, holders: 5, type: 'text/javascript', corsAnyOrigin: true, sites: ['site-a.test'] });

let store: Store | undefined;
afterEach(() => store?.close());

async function browser(): Promise<CacheContext> {
  store = await openStore({ indexedDB: new IDBFactory(), IDBKeyRange, verify: (b, k) => verifyMultihashKey(b, k), now: Date.now, maxCacheBytes: () => 1e8, onCorrupt: () => {} });
  return { store, hashList: noList, settings: () => settings, pausedSites: () => [], now: Date.now, log: () => {} };
}

async function learnClaim(ctx: CacheContext) {
  return learnGroupBindings({ store: ctx.store, hashList: noList, settings, nodeId: 'node', log: () => {}, onChanged: () => {} }, [await claim()]);
}

describe('own observation over the group\'s claim', () => {
  it('a claim for other bytes than this browser saw, still fresh, is neither kept, counted, copied nor served', async () => {
    const ctx = await browser();
    const own = await sha384(ORIGIN_BYTES);
    await ctx.store.blobs.put(own, ORIGIN_BYTES, 'text/javascript');
    await ctx.store.bindings.put({ url: URL, mh: own, source: 'observed', site: 'site-a.test', fetchedAt: Date.now(), freshUntil: Date.now() + DAY, mustRevalidate: false, corsAnyOrigin: true, type: 'text/javascript' });

    const wanted = await learnClaim(ctx);
    expect(wanted).toEqual([]);
    expect((await ctx.store.bindings.lookupMany([URL], 'group')).size).toBe(0);
    expect(await ctx.store.popularity.peerCount(await sha384(FORGED_BYTES))).toBe(0);
    expect((await bindingFor(ctx, URL))?.key).toBe(own);
    // Not the claim's bytes, whatever its count and sites (own bytes are this browser's, and its
    // HTTP cache's, to answer with; the network answers a page of another site).
    expect((await resolveServable(ctx, URL, 'https://site-a.test/'))?.key).not.toBe(await sha384(FORGED_BYTES));
  });

  it('once this browser\'s observation is stale, the claim is taken as before (the trust trustGroupBindings extends)', async () => {
    const ctx = await browser();
    await ctx.store.bindings.put({ url: URL, mh: await sha384(ORIGIN_BYTES), source: 'observed', site: 'site-a.test', fetchedAt: Date.now() - 2 * DAY, freshUntil: Date.now() - DAY, mustRevalidate: false, corsAnyOrigin: true, type: 'text/javascript' });
    expect(await learnClaim(ctx)).toEqual([{ key: await sha384(FORGED_BYTES), type: 'text/javascript' }]);
  });

  it('Chromium learning: a page that loaded the URL makes this browser learn the origin\'s bytes from its own cache instead of keeping the claim\'s block', async () => {
    const ctx = await browser();
    // The claim arrived, and its block was copied (replication).
    await learnClaim(ctx);
    await ctx.store.blobs.put(await sha384(FORGED_BYTES), FORGED_BYTES, 'text/javascript');
    expect((await resolveServable(ctx, URL, 'https://site-a.test/'))?.key).toBe(await sha384(FORGED_BYTES));

    // The user's page on site-a loads the URL from the network (the claim was not served to it:
    // say, it arrived a moment later), and the engine considers learning it.
    const headers = [['content-type', 'text/javascript'], ['cache-control', 'public, max-age=86400'], ['access-control-allow-origin', '*'], ['content-length', String(ORIGIN_BYTES.byteLength)]];
    const seen = { url: URL, method: 'GET', status: 200, responseHeaders: headers.map(([name, value]) => ({ name: name!, value: value! })), initiator: 'https://site-a.test', type: 'script', fromCache: false, document: { tabId: 1, documentId: 'doc-1' }, request: { credentialed: false, cors: false } } as never;
    const reads: string[] = [];
    const downloads: string[] = [];
    const peersAsked: string[] = [];
    const learned: string[] = [];
    const state = <T>(): JsonState<T> => { let v: T | undefined; return { read: async () => v, write: async (x) => void (v = x) }; };
    const env: EngineEnv = {
      cache: async () => ctx, learner: async () => createLearner(ctx, () => void learned.push(URL)),
      peers: { fetch: async (k) => (peersAsked.push(k), 'unavailable'), lookup: async (u) => (peersAsked.push(u), 'unavailable') },
      safety: {} as SiteSafetyView, maxAssetBytes: () => 1e6, log: () => {},
    };
    const queue = createRefetchQueue({
      env, sightings: state(), pageCacheMiss: state(),
      fetch: (async (u: string) => (downloads.push(String(u)), new Response(ORIGIN_BYTES, { status: 200, headers: Object.fromEntries(headers) }))) as typeof fetch,
      readPageCache: async (_doc, u) => (reads.push(u), { ok: true, bytes: ORIGIN_BYTES, fromCache: true, headers: Object.fromEntries(headers) }) as never,
    });
    queue.consider(seen);
    const deadline = Date.now() + 5_000;
    while (learned.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

    expect(reads).toEqual([URL]);
    expect(downloads).toEqual([]);
    // This browser's own observation now decides what the URL is answered with, here and in what it reports.
    expect((await bindingFor(ctx, URL))?.key).toBe(await sha384(ORIGIN_BYTES));
    expect((await resolveServable(ctx, URL, 'https://site-a.test/'))?.key).not.toBe(await sha384(FORGED_BYTES));
    expect((await ctx.store.bindings.lookupMany([URL], 'observed')).get(URL)?.mh).toBe(await sha384(ORIGIN_BYTES));
  });
});
