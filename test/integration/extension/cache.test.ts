import { afterEach, describe, expect, it } from 'vitest';
import { computeDigest } from '../../../src/core/integrity/index.ts';
import { mergeSettings, type Settings } from '../../../src/core/settings/index.ts';
import type { CacheContext, HashListIndex } from '../../../src/extension/cache/context.ts';
import { checkDeclaredIntegrity } from '../../../src/extension/cache/integrity-report.ts';
import { learnGroupBindings } from '../../../src/extension/peers/group-bindings.ts';
import { createLearner, type SeenResponse } from '../../../src/extension/cache/learner.ts';
import { resolveServable } from '../../../src/extension/cache/resolver.ts';
import type { Store } from '../../../src/store/index.ts';
import { keyOf as sha384Key } from '../../support/bytes.ts';
import { openMemoryStore } from '../../support/memory-store.ts';

const enc = (t: string): Uint8Array => new TextEncoder().encode(t);
const sri = async (b: Uint8Array): Promise<string> => `sha384-${Buffer.from(await computeDigest('sha384', b)).toString('base64')}`;

const LIB = enc('window.lib = 1;');
const LIST_URL = 'https://cdn.jsdelivr.net/npm/lib@1.0.0/lib.js';
const OWN_URL = 'https://static.example/app-1.js';
const HEADERS = [
  { name: 'content-type', value: 'text/javascript' },
  { name: 'cache-control', value: 'public, max-age=86400' },
  { name: 'access-control-allow-origin', value: '*' },
];
const seen = (url: string, initiator = 'https://site-a.example'): SeenResponse => ({ url, method: 'GET', status: 200, responseHeaders: HEADERS, initiator });

let store: Store | undefined;
afterEach(() => store?.close());

async function setup(over: Record<string, unknown> = {}, paused: string[] = []) {
  store = await openMemoryStore({ now: () => 1_700_000_000_000 });
  const listKey = await sha384Key(LIB);
  const hashList: HashListIndex = {
    lookup: (u) => (u === LIST_URL ? { key: listKey } : undefined),
    urlsFor: (k) => (k === listKey ? [LIST_URL] : []),
    isListed: (k) => k === listKey,
    packagedFile: () => undefined,
  };
  let settings: Settings = mergeSettings({ user: over }).values;
  const log: string[] = [];
  const ctx: CacheContext = { store, hashList, settings: () => settings, pausedSites: () => paused, now: () => 1_700_000_000_000, log: (l) => log.push(l) };
  const learned: string[] = [];
  const learner = createLearner(ctx, (k) => learned.push(k));
  return { ctx, learner, learned, log, listKey, set: (o: Record<string, unknown>) => (settings = mergeSettings({ user: { ...over, ...o } }).values) };
}

async function learn(t: Awaited<ReturnType<typeof setup>>, url: string, bytes: Uint8Array, headers = HEADERS) {
  const r = { ...seen(url), responseHeaders: headers };
  const admitted = t.learner.admit(r);
  if (!admitted) throw new Error('not admitted');
  return t.learner.learn(r, admitted, bytes, bytes.length);
}

describe('learning and serving across sites', () => {
  it('stores a list file under the list hash and serves it to another site', async () => {
    const t = await setup();
    expect(await learn(t, LIST_URL, LIB)).toBe('stored');
    expect(t.learned).toEqual([t.listKey]);
    const served = await resolveServable(t.ctx, LIST_URL, 'https://site-b.example/page');
    expect(served?.blob.bytes).toEqual(LIB);
    expect(served?.corsAnyOrigin).toBe(true);
    expect((await t.ctx.store.stats.summary()).perSite['site-a.example']?.learnBytes).toBe(LIB.length);
  });

  it('refuses bytes that are not what the public list says the URL serves', async () => {
    const t = await setup();
    expect(await learn(t, LIST_URL, enc('evil()'))).toBe('mismatch');
    expect(await t.ctx.store.blobs.totalBytes()).toBe(0);
  });

  it('keeps a file only one site used to itself while requirePopular is on', async () => {
    const t = await setup();
    expect(await learn(t, OWN_URL, enc('own()'))).toBe('stored');
    expect(await resolveServable(t.ctx, OWN_URL, 'https://site-b.example/')).toBeUndefined();
    t.set({ requirePopular: false });
    expect((await resolveServable(t.ctx, OWN_URL, 'https://site-b.example/'))?.blob.bytes).toEqual(enc('own()'));
  });

  it('serves nothing to a blocked, paused or not-allowed site, nor when switched off', async () => {
    const t = await setup({ blockedSites: ['blocked.example'] }, ['paused.example']);
    await learn(t, LIST_URL, LIB);
    expect(await resolveServable(t.ctx, LIST_URL, 'https://www.blocked.example/')).toBeUndefined();
    expect(await resolveServable(t.ctx, LIST_URL, 'https://paused.example/')).toBeUndefined();
    expect(await resolveServable(t.ctx, LIST_URL, undefined)).toBeUndefined();
    t.set({ allowedSites: ['only.example'] });
    expect(await resolveServable(t.ctx, LIST_URL, 'https://other.example/')).toBeUndefined();
    expect(await resolveServable(t.ctx, LIST_URL, 'https://only.example/')).toBeDefined();
    t.set({ allowedSites: [], cacheEnabled: false });
    expect(await resolveServable(t.ctx, LIST_URL, 'https://other.example/')).toBeUndefined();
  });

  it('learns nothing from a credentialed or private response', async () => {
    const t = await setup();
    expect(t.learner.admit({ ...seen(OWN_URL), credentialed: true })).toBeUndefined();
    expect(t.learner.admit({ ...seen(OWN_URL), responseHeaders: [...HEADERS.slice(0, 1), { name: 'cache-control', value: 'private, max-age=86400' }] })).toBeUndefined();
  });
});

describe('a site\'s own copy of a listed file (issue 9, item 3)', () => {
  const BANK_URL = 'https://bank.example/js/lib.js';
  /** What a site's own server sends: no CORS header. */
  const OWN_HEADERS = HEADERS.filter((h) => h.name !== 'access-control-allow-origin');

  it('is learned as the bank\'s own binding and answered to no other site; the list\'s URLs are', async () => {
    const t = await setup();
    expect(await learn(t, BANK_URL, LIB, OWN_HEADERS)).toBe('stored');
    expect(t.learned).toEqual([t.listKey]);
    expect((await t.ctx.store.bindings.lookup(BANK_URL, t.ctx.now()))?.binding).toMatchObject({ mh: t.listKey, site: 'site-a.example', corsAnyOrigin: false, type: 'text/javascript' });
    expect(await resolveServable(t.ctx, BANK_URL, 'https://site-b.example/')).toBeUndefined();
    // The same bytes at the URL the list binds: popular, answered.
    expect((await resolveServable(t.ctx, LIST_URL, 'https://site-b.example/'))?.key).toBe(t.listKey);
  });

  it('once popular itself (requirePopular off here), keeps its own CORS facts and type', async () => {
    const t = await setup({ requirePopular: false });
    await learn(t, BANK_URL, LIB, [...OWN_HEADERS.filter((h) => h.name !== 'content-type'), { name: 'content-type', value: 'image/png' }]);
    const bank = await resolveServable(t.ctx, BANK_URL, 'https://site-b.example/');
    expect(bank).toMatchObject({ key: t.listKey, urlListed: false, corsAnyOrigin: false, type: 'image/png' });
    // A site serving the listed bytes as image/png changes nothing for the list's URL.
    expect(await resolveServable(t.ctx, LIST_URL, 'https://site-b.example/')).toMatchObject({ key: t.listKey, urlListed: true, corsAnyOrigin: true, type: 'text/javascript; charset=utf-8' });
  });

  it('records a restrictive Cross-Origin-Resource-Policy with the URL\'s binding', async () => {
    const t = await setup({ requirePopular: false });
    await learn(t, OWN_URL, enc('own()'), [...HEADERS, { name: 'cross-origin-resource-policy', value: 'same-site' }]);
    expect(await resolveServable(t.ctx, OWN_URL, 'https://site-b.example/')).toMatchObject({ corp: 'same-site', corsAnyOrigin: true });
  });

  it('is not learned from a body that is not the whole response (Firefox tees an empty body when a CORS read was refused)', async () => {
    const t = await setup();
    expect(await learn(t, BANK_URL, new Uint8Array(0), [...OWN_HEADERS, { name: 'content-length', value: String(LIB.length) }])).toBe('refused');
    expect(await learn(t, BANK_URL, LIB.slice(1), [...OWN_HEADERS, { name: 'content-length', value: String(LIB.length) }])).toBe('refused');
    expect(await t.ctx.store.bindings.lookup(BANK_URL, t.ctx.now())).toBeUndefined();
    // A content-coded body is longer or shorter than its Content-Length, and that is fine.
    expect(await learn(t, BANK_URL, LIB, [...OWN_HEADERS, { name: 'content-length', value: '3' }, { name: 'content-encoding', value: 'br' }])).toBe('stored');
  });
});

describe('group counts are of the binding', () => {
  it('make an observed URL popular when enough members hold that very binding, and only while the group is trusted', async () => {
    const group = { trustGroupBindings: true, groupKey: 'ab'.repeat(32), minLanPeers: 2 };
    const t = await setup(group);
    const own = enc('own()');
    await learn(t, OWN_URL, own);
    const key = await sha384Key(own);
    expect(await resolveServable(t.ctx, OWN_URL, 'https://site-b.example/')).toBeUndefined();
    const round = (holders: number, mh = key) =>
      learnGroupBindings({ store: t.ctx.store, hashList: t.ctx.hashList, settings: t.ctx.settings(), nodeId: 'lan-node', log: () => {}, onChanged: () => {} }, [
        { url: OWN_URL, mh, freshUntil: 1_700_000_000_000 + 86_400_000, holders, type: 'text/javascript', corsAnyOrigin: true },
      ]);
    // The group's count names other bytes for the URL: it says nothing of ours.
    await round(5, t.listKey);
    expect(await resolveServable(t.ctx, OWN_URL, 'https://site-b.example/')).toBeUndefined();
    await round(2);
    expect((await resolveServable(t.ctx, OWN_URL, 'https://site-b.example/'))?.holders).toBe(2);
    t.set({ trustGroupBindings: false });
    expect(await resolveServable(t.ctx, OWN_URL, 'https://site-b.example/')).toBeUndefined();
  });
});

describe('integrity attributes a page declares', () => {
  it('refute a group claim for good: the next round of the group\'s bindings does not bring it back', async () => {
    const t = await setup({ requirePopular: false, trustGroupBindings: true, groupKey: 'ab'.repeat(32) });
    const claimed = enc('claimed()');
    const key = await sha384Key(claimed);
    await t.ctx.store.blobs.put(key, claimed, 'text/javascript');
    const claim = { url: OWN_URL, mh: key, freshUntil: 1_700_000_000_000 + 86_400_000, holders: 1, type: 'text/javascript', corsAnyOrigin: true };
    const round = (c: typeof claim) => learnGroupBindings({ store: t.ctx.store, hashList: t.ctx.hashList, settings: t.ctx.settings(), nodeId: 'lan-node', log: () => {}, onChanged: () => {} }, [c]);
    await round(claim);
    expect((await resolveServable(t.ctx, OWN_URL, 'https://site-b.example/'))?.key).toBe(key);

    expect(await checkDeclaredIntegrity(t.ctx, 'https://site-a.example/', [{ url: OWN_URL, integrity: await sri(enc('what the page expects')) }])).toEqual({ confirmed: 0, dropped: 1 });
    expect(await resolveServable(t.ctx, OWN_URL, 'https://site-b.example/')).toBeUndefined();
    // The node re-announces it (a member reported it again: later freshness).
    expect(await round({ ...claim, freshUntil: claim.freshUntil + 60_000 })).toEqual([]);
    expect(await resolveServable(t.ctx, OWN_URL, 'https://site-b.example/')).toBeUndefined();

    // A different claim for the URL is a new claim.
    const other = enc('what the page expects');
    const otherKey = await sha384Key(other);
    await t.ctx.store.blobs.put(otherKey, other, 'text/javascript');
    await round({ ...claim, mh: otherKey });
    expect((await resolveServable(t.ctx, OWN_URL, 'https://site-b.example/'))?.key).toBe(otherKey);
  });

  it('confirm a binding that matches and drop one that does not, never creating one', async () => {
    const t = await setup({ requirePopular: false });
    const own = enc('own()');
    await learn(t, OWN_URL, own);
    expect(await checkDeclaredIntegrity(t.ctx, 'https://site-a.example/', [{ url: OWN_URL, integrity: await sri(own) }])).toEqual({ confirmed: 1, dropped: 0 });
    expect(await resolveServable(t.ctx, OWN_URL, 'https://site-b.example/')).toBeDefined();

    const other = 'https://static.example/never-seen.js';
    expect(await checkDeclaredIntegrity(t.ctx, 'https://evil.example/', [{ url: other, integrity: await sri(own) }])).toEqual({ confirmed: 0, dropped: 0 });
    expect(await resolveServable(t.ctx, other, 'https://site-b.example/')).toBeUndefined();

    expect(await checkDeclaredIntegrity(t.ctx, 'https://site-a.example/', [{ url: OWN_URL, integrity: await sri(enc('other')) }])).toEqual({ confirmed: 0, dropped: 1 });
    expect(await resolveServable(t.ctx, OWN_URL, 'https://site-b.example/')).toBeUndefined();
  });
});
