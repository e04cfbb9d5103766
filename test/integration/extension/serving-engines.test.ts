import { afterEach, describe, expect, it } from 'vitest';
import { mergeSettings, type Settings } from '../../../src/core/settings/index.ts';
import type { CacheContext, HashListIndex } from '../../../src/extension/cache/context.ts';
import { createLearner } from '../../../src/extension/cache/learner.ts';
import type { ObservedResponse } from '../../../src/extension/platform/chromium/web-request.ts';
import type { OutgoingRequest, SubresourceHooks } from '../../../src/extension/platform/firefox/web-request.ts';
import type { ReadPageCache } from '../../../src/extension/serving/refetch-queue.ts';
import { createChromiumEngine } from '../../../src/extension/serving/chromium-engine.ts';
import type { DnrRuleUpdate } from '../../../src/extension/serving/dnr/types.ts';
import type { EngineEnv, JsonState, ServingEngine, SiteSafetyView } from '../../../src/extension/serving/engine-types.ts';
import { createFirefoxEngine } from '../../../src/extension/serving/firefox-engine.ts';
import type { Store } from '../../../src/store/index.ts';
import { keyOf } from '../../support/bytes.ts';
import { openMemoryStore } from '../../support/memory-store.ts';

// Both engines run here in Node on a real cache (Dexie on fake-indexeddb), with the browser
// given as plain functions: what they would ask of Chromium or Firefox is recorded.

const NOW = 1_700_000_000_000;
const LIB = new TextEncoder().encode('window.lib = 1;');
const LIST_URL = 'https://cdn.jsdelivr.net/npm/lib@1.0.0/lib.js';
/** LIB as the list's URL serves it (its type follows from its path). */
const DATA_URL = `data:text/javascript;charset=utf-8;base64,${Buffer.from(LIB).toString('base64')}`;
const HEADERS = [
  { name: 'content-type', value: 'text/javascript' },
  { name: 'cache-control', value: 'public, max-age=86400' },
  { name: 'access-control-allow-origin', value: '*' },
];

let store: Store | undefined;
afterEach(() => store?.close());

async function setup(over: Partial<Settings> = {}) {
  const clock = { now: NOW };
  store = await openMemoryStore({ now: () => clock.now });
  const listKey = await keyOf(LIB);
  const hashList: HashListIndex = {
    lookup: (u) => (u === LIST_URL ? { key: listKey } : undefined),
    urlsFor: (k) => (k === listKey ? [LIST_URL] : []),
    isListed: (k) => k === listKey,
    packagedFile: () => undefined,
  };
  const settings = { ...mergeSettings({}).values, ...over };
  const log: string[] = [];
  const ctx: CacheContext = { store, hashList, settings: () => settings, pausedSites: () => [], now: () => clock.now, log: (l) => log.push(l) };
  // A store is announced once, by whoever stored (here the learner): the background then
  // refreshes its engine (background/index.ts); `announced` plays that wiring.
  const announced: (() => void)[] = [];
  const learner = createLearner(ctx, () => announced.forEach((l) => l()));
  // news.example's CSP admits data: for everything (and `safe.push` adds a site, `safetyChanged` tells).
  const safe = ['news.example'];
  const safetyListeners: (() => void)[] = [];
  const safety: SiteSafetyView = {
    documentHeaders: () => undefined,
    isSafe: (host) => safe.includes(host),
    frameAllows: () => true,
    gateHosts: () => ({ safe: [...safe], unsafeSubdomains: [] }),
    view: () => ({}),
    onChange: (l) => void safetyListeners.push(l),
  };
  const env: EngineEnv = { cache: async () => ctx, learner: async () => learner, peers: { fetch: async () => 'unavailable', lookup: async () => 'unavailable' }, safety, maxAssetBytes: () => 1e6, log: (l) => log.push(l) };
  const learn = async (url: string, initiator: string, headers = HEADERS): Promise<void> => {
    const seen = { url, method: 'GET', status: 200, responseHeaders: headers, initiator };
    expect(await learner.learn(seen, learner.admit(seen)!, LIB, 0)).toBe('stored');
  };
  return { ctx, env, log, learn, clock, safe, announced, safetyChanged: () => safetyListeners.forEach((l) => l()) };
}
type Setup = Awaited<ReturnType<typeof setup>>;

/** Counts the engine's re-plans from now on. */
function countRefreshes(engine: ServingEngine): { readonly count: number } {
  const counter = { count: 0 };
  const refresh = engine.refresh.bind(engine);
  engine.refresh = () => {
    counter.count++;
    refresh();
  };
  return counter;
}

function memoryState<T>(): JsonState<T> {
  let value: T | undefined;
  return { read: async () => value, write: async (v) => void (value = v) };
}

describe('the Chromium engine, with the browser as plain functions', () => {
  /** `session`: the browser session's storage, which outlives a service worker (one engine). */
  function chromium(t: Setup, fetched: string[] = [], session = new Map<string, JsonState<unknown>>(), readPageCache?: ReadPageCache) {
    const { env } = t;
    const updates: DnrRuleUpdate[] = [];
    const responses: ((r: ObservedResponse) => void)[] = [];
    const redirects: ((r: { url: string; initiator?: string }) => void)[] = [];
    const engine = createChromiumEngine(env, {
      updateSessionRules: async (u) => void updates.push(u),
      onDocumentHeaders: () => undefined,
      onSubresourceResponse: (l) => void responses.push(l),
      onDataRedirect: (l) => void redirects.push(l),
      wakeAt: () => undefined,
      onWake: () => undefined,
      sessionState: <T,>(key: string) => {
        if (!session.has(key)) session.set(key, memoryState());
        return session.get(key) as JsonState<T>;
      },
      fetch: async (input) => {
        fetched.push(String(input));
        return new Response(LIB, { status: 200, headers: HEADERS.map((h): [string, string] => [h.name, h.value]) });
      },
      readPageCache: readPageCache ?? (async () => ({ ok: false, reason: 'no-document', requested: false })),
      clock: () => performance.now(),
    });
    t.announced.push(() => engine.refresh());
    return {
      engine,
      updates,
      respond: (r: ObservedResponse) => responses.forEach((l) => l(r)),
      redirected: (r: { url: string; initiator: string }) => redirects.forEach((l) => l(r)),
    };
  }

  it('installs a data: redirect for a cached listed file, and lets sites not known to admit data: pass', async () => {
    const t = await setup();
    await t.learn(LIST_URL, 'https://site-a.example');
    const c = chromium(t);
    const view = await c.engine.view();
    expect(view).toMatchObject({ engine: 'declarativeNetRequest', cached: 1, servable: 1, safeHosts: { script: ['news.example'] } });
    const added = c.updates.flatMap((u) => u.addRules);
    const redirect = added.find((r) => r.action.type === 'redirect');
    expect(redirect?.action).toEqual({ type: 'redirect', redirect: { url: DATA_URL } });
    expect(new RegExp(redirect!.condition.regexFilter!).test(LIST_URL)).toBe(true);
    expect(added.find((r) => r.action.type === 'allow' && r.condition.resourceTypes?.includes('script'))?.condition.excludedInitiatorDomains).toEqual(['news.example']);
  });

  it('a worker started again in the same browser session finds its rules in force: it rewrites nothing and reads no bytes until something changes', async () => {
    const t = await setup();
    await t.learn(LIST_URL, 'https://site-a.example');
    const session = new Map<string, JsonState<unknown>>();
    expect((await chromium(t, [], session).engine.view()).servable).toBe(1);

    let reads = 0;
    const get = t.ctx.store.blobs.get;
    t.ctx.store.blobs.get = (mh, o) => (reads++, get(mh, o));
    const again = chromium(t, [], session);
    t.safetyChanged(); // the safety store reports that it loaded
    await new Promise((r) => setTimeout(r, 400)); // past the plan's debounce
    expect({ updates: again.updates.length, reads }).toEqual({ updates: 0, reads: 0 });
    expect(await again.engine.view()).toMatchObject({ servable: 1, safeHosts: { script: ['news.example'] } });

    // A site found to admit data: changes the gate: that is a plan.
    t.safe.push('blog.example');
    t.safetyChanged();
    await expect.poll(() => again.updates.length, { timeout: 5_000 }).toBe(1);
    expect((await again.engine.view()).safeHosts.script).toEqual(['news.example', 'blog.example']);
  });

  it('counts the requests its rules answered, per site, and writes them before the stats are read', async () => {
    const t = await setup();
    await t.learn(LIST_URL, 'https://site-a.example');
    const c = chromium(t);
    await c.engine.view();
    c.redirected({ url: LIST_URL, initiator: 'https://news.example' });
    c.redirected({ url: LIST_URL, initiator: 'https://news.example' });
    await expect.poll(async () => {
      await c.engine.flushStats();
      return (await t.ctx.store.stats.summary()).perSite['news.example'];
    }).toMatchObject({ servedRequests: 2, bytesSaved: 2 * LIB.length });
  });

  it('learns a listed file the second site loads, with its own anonymous fetch, and then serves it', async () => {
    const t = await setup();
    const fetched: string[] = [];
    const c = chromium(t, fetched);
    const load = (site: string): void =>
      c.respond({ url: LIST_URL, method: 'GET', statusCode: 200, type: 'script', initiator: site, tabId: 1, fromCache: false, responseHeaders: HEADERS });
    load('https://site-a.example');
    load('https://site-b.example');
    await expect.poll(async () => (await c.engine.view()).servable, { timeout: 5_000 }).toBe(1);
    expect(fetched).toEqual([LIST_URL]);
  });

  describe('one store, one re-plan (issue 11)', () => {
    const load = (c: ReturnType<typeof chromium>, site: string): void =>
      c.respond({ url: LIST_URL, method: 'GET', statusCode: 200, type: 'script', initiator: site, tabId: 1, fromCache: false, responseHeaders: HEADERS });

    it('a file learned by its own download is announced once', async () => {
      const t = await setup();
      const c = chromium(t);
      await c.engine.view(); // the start-up plan is done
      const replans = countRefreshes(c.engine);
      load(c, 'https://site-a.example');
      load(c, 'https://site-b.example');
      await expect.poll(async () => (await c.engine.view()).servable, { timeout: 5_000 }).toBe(1);
      await new Promise((r) => setTimeout(r, 300));
      expect(replans.count).toBe(1);
    });

    it('a block a LAN peer sent is announced once, by the peer service, and served', async () => {
      const t = await setup();
      const c = chromium(t);
      await c.engine.view();
      const replans = countRefreshes(c.engine);
      const fromLan: string[] = [];
      // The peer service stores the verified block and announces it (Chromium: os-bg-blocks-stored).
      t.env.peers.fetch = async (key, type) => {
        fromLan.push(key);
        await t.ctx.store.blobs.put(key, LIB, type);
        t.announced.forEach((l) => l());
        return 'stored';
      };
      load(c, 'https://site-a.example');
      await expect.poll(async () => (await c.engine.view()).servable, { timeout: 5_000 }).toBe(1);
      await new Promise((r) => setTimeout(r, 300));
      expect({ fromLan: fromLan.length, replans: replans.count }).toEqual({ fromLan: 1, replans: 1 });
    });
  });

  describe("learning from the page's own HTTP cache (issue 12, never twice)", () => {
    /** What the page's request carried and where it came from, as webRequest reports it. */
    const pageLoad = (site: string, over: Partial<ObservedResponse> = {}): ObservedResponse => ({
      url: LIST_URL, method: 'GET', statusCode: 200, type: 'script', initiator: site, tabId: 1, documentId: 'doc-1', fromCache: false,
      responseHeaders: [...HEADERS, { name: 'content-length', value: String(LIB.length) }], request: { credentialed: false, cors: false }, ...over,
    });

    /** A page's cache in which each read hits or misses; the read's own request is reported back, as Chromium does. */
    function pageCache(hit = true) {
      const reads: string[] = [];
      let respond: ((r: ObservedResponse) => void) | undefined;
      const read: ReadPageCache = async (doc, url) => {
        reads.push(`${doc.documentId} ${url}`);
        respond?.({ ...pageLoad('https://site-a.example'), type: 'xmlhttprequest', documentId: doc.documentId, fromCache: hit });
        return { ok: true, bytes: LIB, headers: [{ name: 'content-type', value: 'text/javascript' }, { name: 'content-length', value: String(LIB.length) }], fromCache: hit };
      };
      return { reads, read, wire: (c: { respond: (r: ObservedResponse) => void }) => void (respond = c.respond) };
    }

    it('learns a file the first site loads from that page\'s cache: no download, counted apart from what learning cost, served after', async () => {
      const t = await setup();
      const fetched: string[] = [];
      const cache = pageCache();
      const c = chromium(t, fetched, undefined, cache.read);
      cache.wire(c);
      c.respond(pageLoad('https://site-a.example'));
      await expect.poll(async () => (await c.engine.view()).servable, { timeout: 5_000 }).toBe(1);
      // Its own read came back through webRequest as the page's fetch: not taken for a page's request.
      expect({ fetched, reads: cache.reads }).toEqual({ fetched: [], reads: [`doc-1 ${LIST_URL}`] });
      expect((await t.ctx.store.stats.summary()).perSite['site-a.example']).toMatchObject({ learnBytes: 0, pageCacheBytes: LIB.length });
    });

    it('falls back to the download, and only where it pays back, when the page\'s request had cookies', async () => {
      const over = { request: { credentialed: true, cors: false } };
      const t = await setup();
      const fetched: string[] = [];
      const cache = pageCache();
      const c = chromium(t, fetched, undefined, cache.read);
      c.respond(pageLoad('https://site-a.example', over));
      c.respond(pageLoad('https://site-b.example', { ...over, documentId: 'doc-2' }));
      await expect.poll(() => fetched.length, { timeout: 5_000 }).toBe(1);
      expect(cache.reads).toEqual([]);
    });

    it('never downloads a file sent without Access-Control-Allow-Origin (no rule could answer it), but reads it free on its own origin', async () => {
      const noAcao = HEADERS.filter((h) => h.name !== 'access-control-allow-origin');
      // Off-list files are learned once requirePopular is off.
      const t = await setup({ requirePopular: false });
      const fetched: string[] = [];
      const cache = pageCache();
      const c = chromium(t, fetched, undefined, cache.read);
      // Another origin's file: a CORS read would fail, and a download could never pay back here.
      c.respond(pageLoad('https://site-a.example', { responseHeaders: noAcao }));
      c.respond(pageLoad('https://site-b.example', { responseHeaders: noAcao, documentId: 'doc-2' }));
      // The same file as its own origin's page loads it: read from that page's cache.
      c.respond(pageLoad('https://static.example', { url: 'https://static.example/own.js', responseHeaders: noAcao, documentId: 'doc-3' }));
      await expect.poll(() => cache.reads, { timeout: 5_000 }).toEqual(['doc-3 https://static.example/own.js']);
      await new Promise((r) => setTimeout(r, 300));
      expect(fetched).toEqual([]);
    });

    it('after a read the cache could not answer (it went to the origin), reads no more where learning would not download', async () => {
      for (const hit of [true, false]) {
        // Off the list, served once learned (requirePopular off), seen on one site: no download is due.
        const t = await setup({ requirePopular: false });
        const fetched: string[] = [];
        const cache = pageCache(hit);
        const c = chromium(t, fetched, undefined, cache.read);
        c.respond(pageLoad('https://site-a.example'));
        // A miss was a download, counted as learning's cost.
        const counted = hit ? { learnBytes: 0, pageCacheBytes: LIB.length } : { learnBytes: LIB.length, pageCacheBytes: 0 };
        await expect.poll(async () => (await t.ctx.store.stats.summary()).perSite['site-a.example'], { timeout: 5_000 }).toMatchObject(counted);
        c.respond(pageLoad('https://site-a.example', { url: 'https://static.example/app.js', documentId: 'doc-3' }));
        await new Promise((r) => setTimeout(r, 300));
        const reads = [`doc-1 ${LIST_URL}`, ...(hit ? ['doc-3 https://static.example/app.js'] : [])];
        expect({ fetched, reads: cache.reads }).toEqual({ fetched: [], reads });
        store?.close();
      }
    });

    it('never downloads a file whose read made a request but gave nothing usable', async () => {
      const t = await setup();
      const fetched: string[] = [];
      const reads: string[] = [];
      const c = chromium(t, fetched, undefined, async (doc) => (reads.push(doc.documentId), { ok: false, reason: 'failed', requested: true }));
      c.respond(pageLoad('https://site-a.example'));
      c.respond(pageLoad('https://site-b.example', { documentId: 'doc-2' }));
      await expect.poll(() => reads.length, { timeout: 5_000 }).toBe(2);
      await new Promise((r) => setTimeout(r, 300));
      expect(fetched).toEqual([]);
    });
  });
});

describe('the Firefox engine, with the browser as plain functions', () => {
  function firefox(t: Setup) {
    let hooks: SubresourceHooks | undefined;
    const engine = createFirefoxEngine(t.env, { onDocumentHeaders: () => undefined, interceptSubresources: (h) => void (hooks = h) });
    t.announced.push(() => engine.refresh());
    const request = (over: Partial<OutgoingRequest> = {}): OutgoingRequest => ({
      requestId: '1',
      url: LIST_URL,
      method: 'GET',
      type: 'script',
      tabId: 1,
      frameId: 0,
      documentUrl: 'https://news.example/',
      requestHeaders: [{ name: 'Sec-Fetch-Mode', value: 'no-cors' }],
      ...over,
    });
    return { engine, hooks: () => hooks!, request };
  }

  it('answers a cached listed script with data: on a page that admits it, and replaces the body elsewhere', async () => {
    const t = await setup();
    await t.learn(LIST_URL, 'https://site-a.example');
    const f = firefox(t);
    expect(await f.hooks().beforeSend(f.request())).toBe(DATA_URL);
    const strict = f.request({ requestId: '2', documentUrl: 'https://strict.example/' });
    expect(await f.hooks().beforeSend(strict)).toBeUndefined();
    expect(f.hooks().headers({ ...strict, statusCode: 200, responseHeaders: HEADERS })).toEqual({ replaceBody: LIB });
    // Counted in memory while pages load, written before anyone reads the stats.
    await f.engine.flushStats();
    expect((await t.ctx.store.stats.summary()).perSite['news.example']?.servedRequests).toBe(1);
  });

  it('counts every answer as a use of its bytes, the first read included, once the page loaded: the page waits for no write', async () => {
    const t = await setup();
    await t.learn(LIST_URL, 'https://site-a.example');
    const f = firefox(t);
    const useCount = async (): Promise<number | undefined> => (await t.ctx.store.blobs.list())[0]?.useCount;
    const before = await useCount();
    expect(await f.hooks().beforeSend(f.request())).toBe(DATA_URL); // read from the store
    expect(await f.hooks().beforeSend(f.request({ requestId: '2' }))).toBe(DATA_URL); // from memory
    expect(await useCount()).toBe(before);
    await f.engine.flushStats();
    expect(await useCount()).toBe(before! + 2);
  });

  it('answers from memory only what the cache still holds: not once it was cleared', async () => {
    const t = await setup();
    await t.learn(LIST_URL, 'https://site-a.example');
    const f = firefox(t);
    expect(await f.hooks().beforeSend(f.request())).toBe(DATA_URL);
    await t.ctx.store.blobs.clear();
    await t.ctx.store.bindings.clear();
    f.engine.refresh(); // what the background does after clearing the cache
    expect(await f.hooks().beforeSend(f.request({ requestId: '2' }))).toBeUndefined();
  });

  it('stops answering a URL from memory when its binding is no longer fresh', async () => {
    const t = await setup({ requirePopular: false });
    const url = 'https://static.example/own.js';
    const fresh = HEADERS.map((h) => (h.name === 'cache-control' ? { ...h, value: 'public, max-age=7200' } : h));
    await t.learn(url, 'https://site-a.example', fresh);
    const f = firefox(t);
    expect(await f.hooks().beforeSend(f.request({ url }))).toMatch(/^data:/);
    t.clock.now += 7_201_000;
    expect(await f.hooks().beforeSend(f.request({ url, requestId: '2' }))).toBeUndefined();
  });

  it('one store, one refresh: a body copied as it streams is announced once (by the learner), then answered', async () => {
    const t = await setup();
    const f = firefox(t);
    await t.env.learner();
    const refreshes = countRefreshes(f.engine);
    const r = f.request({ documentUrl: 'https://site-a.example/' });
    expect(await f.hooks().beforeSend(r)).toBeUndefined();
    const action = f.hooks().headers({ ...r, statusCode: 200, responseHeaders: HEADERS });
    if (!action || !('tee' in action)) throw new Error('no copy of the body');
    action.tee.onBody(LIB);
    await expect.poll(() => f.hooks().beforeSend(f.request({ requestId: '2' })), { timeout: 5_000 }).toBe(DATA_URL);
    expect(refreshes.count).toBe(1);
  });

  it('one store, one refresh: a block a LAN peer sent while the page waited answers that request', async () => {
    const t = await setup();
    const f = firefox(t);
    const refreshes = countRefreshes(f.engine);
    t.env.peers.fetch = async (key, type) => {
      await t.ctx.store.blobs.put(key, LIB, type);
      t.announced.forEach((l) => l()); // the peer service's own announcement
      return 'stored';
    };
    expect(await f.hooks().beforeSend(f.request())).toBe(DATA_URL);
    expect(refreshes.count).toBe(1);
  });

  it('lets a request for a file it does not hold go out, and copies its body as it streams', async () => {
    const t = await setup();
    const f = firefox(t);
    await t.env.learner(); // the engine takes its learner as soon as it is ready
    const r = f.request();
    expect(await f.hooks().beforeSend(r)).toBeUndefined();
    const action = f.hooks().headers({ ...r, statusCode: 200, responseHeaders: HEADERS });
    expect(action && 'tee' in action).toBe(true);
  });
});
