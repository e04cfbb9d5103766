// One simulated browser of the office, running the product's real code: its own Dexie store on
// fake IndexedDB, the peer service (peers/peer-service.ts) connected to the LAN node, the learner
// (cache/learner.ts, core admission), the sites' CSP knowledge (background/site-safety-store.ts),
// and per engine: Firefox's real engine (serving/firefox-engine.ts: answers from the cache, asks
// LAN peers, copies bodies for free); Chromium's real learning queue (serving/refetch-queue.ts:
// peers by hash, then the LAN node's lookup, then a read of the page's own HTTP cache where
// core/serving/page-cache.ts allows it, then a download that costs WAN bytes) and its rule
// decision (why.ts). Only the browser itself is simulated: its HTTP cache, partitioned by
// top-level site, the page's requests (no cookies: none of this web's files are sent any), the
// network's timing.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { HashList } from '../../src/core/hash-list/index.ts';
import { verifyMultihashKey } from '../../src/core/integrity/index.ts';
import { mergeSettings, type Settings } from '../../src/core/settings/index.ts';
import { createSiteSafetyStore } from '../../src/extension/background/site-safety-store.ts';
import type { CacheContext } from '../../src/extension/cache/context.ts';
import { createLearner } from '../../src/extension/cache/learner.ts';
import { createPeerService, LAN_SITE, type PeerService } from '../../src/extension/peers/peer-service.ts';
import type { SubresourceHooks } from '../../src/extension/platform/firefox/web-request.ts';
import type { EngineEnv, JsonState } from '../../src/extension/serving/engine-types.ts';
import { createFirefoxEngine } from '../../src/extension/serving/firefox-engine.ts';
import { createRefetchQueue } from '../../src/extension/serving/refetch-queue.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import type { WanCause } from './accounting.ts';
import { WanLink } from './accounting.ts';
import { PartitionedHttpCache } from './baseline.ts';
import { pageLoadMs, type RequestTiming } from './load-model.ts';
import { documentHeaders, type Engine, type OfficeWeb, type PageRequest, type WebFile, type WebPage } from './trace.ts';
import { chromiumAnswer, firefoxCause, type ServingFacts } from './why.ts';

export interface MemberInit {
  readonly id: number;
  readonly engine: Engine;
  /** The LAN node's WebSockets address. */
  readonly lanNode: string;
  readonly groupKey: string;
  /** Settings of this configuration (the user's level, above the defaults). */
  readonly user: Readonly<Record<string, unknown>>;
  readonly hashList: HashList;
  readonly web: OfficeWeb;
  readonly wan: WanLink;
  /** The multihash key PeerCache stores a file's bytes under. */
  keyOf(file: WebFile): string;
  lanHas(key: string): boolean;
}

/** What one page view cost with PeerCache. */
export interface ViewResult {
  readonly loadMs: number;
  /** Counted as the origins sent them (a replaced body included). */
  readonly wanBytes: number;
}

export interface Member {
  readonly id: number;
  readonly engine: Engine;
  readonly service: PeerService;
  readonly store: Store;
  view(page: WebPage): Promise<ViewResult>;
  /** Bytes the peer service fetched from the LAN, and Chromium's learning downloads (the store's stats). */
  traffic(): Promise<{ lanBytesIn: number; learnBytes: number; heldBytes: number }>;
  stop(): Promise<void>;
}

const memoryState = <T>(): JsonState<T> => {
  let v: T | undefined;
  return { read: async () => v, write: async (x) => void (x === undefined ? undefined : (v = x)) };
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const pairs = (h: Readonly<Record<string, string>>): { name: string; value: string }[] => Object.entries(h).map(([name, value]) => ({ name, value }));
const DNR_TYPE: Record<PageRequest['destination'], string> = { script: 'script', style: 'stylesheet', font: 'font', image: 'image' };
const ZERO: RequestTiming = { wanBytes: 0, lanBytes: 0, wanRoundTrip: false };

export async function startMember(init: MemberInit): Promise<Member> {
  const { web, wan, hashList } = init;
  const store = await openStore({ indexedDB: new IDBFactory(), IDBKeyRange, verify: (b, k) => verifyMultihashKey(b, k), now: Date.now, maxCacheBytes: () => settings.maxCacheMB * 1024 * 1024, onCorrupt: () => {} });
  // When each block arrived and each URL's bindings last changed: Chromium's rules follow a
  // change only after its planning delay (why.ts).
  const heldAt = new Map<string, number>();
  const boundAt = new Map<string, number>();
  const put = store.blobs.put.bind(store.blobs);
  store.blobs.put = async (key, ...rest) => {
    const outcome = await put(key, ...rest);
    heldAt.set(key, Date.now());
    return outcome;
  };
  const putBinding = store.bindings.put.bind(store.bindings);
  store.bindings.put = async (b) => {
    await putBinding(b);
    boundAt.set(b.url, Date.now());
  };
  const putBindings = store.bindings.putMany.bind(store.bindings);
  store.bindings.putMany = async (bs) => {
    await putBindings(bs);
    for (const b of bs) boundAt.set(b.url, Date.now());
  };

  const settings: Settings = mergeSettings({ user: { lanNodes: [init.lanNode], groupKey: init.groupKey, trustGroupBindings: true, ...init.user } }).values;
  const log = (): void => undefined;
  const safety = createSiteSafetyStore({ state: memoryState(), frameState: memoryState(), groupState: memoryState(), minMembers: () => settings.minLanPeers, now: Date.now, log });
  // As the background wires it: the group's verdicts on sites' CSPs go to the site-safety store,
  // and each document observed is told to the LAN (site-safety-sync.ts).
  const service = createPeerService({ store, hashList, log, siteSafety: { ownFacts: () => safety.ownFacts(), takeGroup: (h, full) => safety.takeGroup(h, full) } });
  safety.onObserved(() => service.siteSafetyChanged());
  const ctx: CacheContext = { store, hashList, settings: () => settings, pausedSites: () => [], now: Date.now, log };
  // As the background wires it: what was learned is told to the LAN at once.
  const learner = createLearner(ctx, () => service.learned());
  const strict = new Set(web.sites.filter((s) => s.csp).map((s) => s.host));
  const facts: ServingFacts = { ctx, safety, heldAt, boundAt, lanHas: init.lanHas, strictCsp: (site) => strict.has(site) };
  const env: EngineEnv = {
    cache: async () => ctx,
    learner: async () => learner,
    peers: { fetch: (k, t, m) => service.fetch(k, t, m), lookup: (u, t, m) => service.lookup(u, t, m) },
    safety,
    maxAssetBytes: () => settings.maxAssetMB * 1024 * 1024,
    log,
  };

  let hooks: SubresourceHooks | undefined;
  if (init.engine === 'firefox') createFirefoxEngine(env, { onDocumentHeaders: () => undefined, interceptSubresources: (h) => void (hooks = h) });
  const http = new PartitionedHttpCache();
  /** Each view's document (its id) and the top-level site whose cache partition it reads. */
  const documents = new Map<string, string>();
  let views = 0;
  // Chromium learns with one more download, from the origin through the office's WAN link,
  // unless the page's own HTTP cache can be read: as in Chromium, that read's request is
  // answered by the partition the page filled, and reported back through webRequest.
  const refetch = createRefetchQueue({
    env,
    fetch: async (input) => {
      const file = web.files.get(String(input));
      if (!file) return new Response(null, { status: 404 });
      wan.learning(file.digest(), file.size);
      await sleep(WanLink.downloadMs(file.size));
      return new Response(file.bytes() as Uint8Array<ArrayBuffer>, { status: 200, headers: file.headers });
    },
    readPageCache: async (doc, url) => {
      const file = web.files.get(url);
      const site = documents.get(doc.documentId);
      if (!file || !site) return { ok: false, reason: 'no-document', requested: false };
      const hit = http.has(site, url);
      if (!hit) {
        // A miss goes to the origin (Chromium's force-cache), and fills the partition.
        wan.learning(file.digest(), file.size);
        await sleep(WanLink.downloadMs(file.size));
        http.add(site, url);
      }
      refetch.consider({ url, method: 'GET', status: 200, responseHeaders: pairs(file.headers), initiator: `https://${site}`, type: 'xmlhttprequest', fromCache: hit, document: doc });
      // What a CORS read sees of the headers (ETag is not exposed without Access-Control-Expose-Headers).
      const exposed = pairs(file.headers).filter((h) => ['content-type', 'content-length', 'last-modified'].includes(h.name.toLowerCase()));
      return { ok: true, bytes: file.bytes(), headers: exposed, fromCache: hit };
    },
    pageCacheMiss: memoryState(),
    sightings: memoryState(),
  });
  await service.apply(settings, false);

  let requestIds = 0;

  /** Chromium's webRequest saw a response (from the network or its HTTP cache): learning considers it. */
  const observed = (page: WebPage, q: PageRequest, file: WebFile, documentId: string, fromCache: boolean): void =>
    refetch.consider({
      url: file.url, method: 'GET', status: 200, responseHeaders: pairs(file.headers), initiator: `https://${page.site}`,
      type: DNR_TYPE[q.destination], fromCache, document: { tabId: 1, documentId }, request: { credentialed: false, cors: q.mode === 'cors' },
    });

  /** One subresource: its timing, and the WAN bytes it cost. */
  async function request(page: WebPage, q: PageRequest, documentId: string): Promise<RequestTiming & { wan: number }> {
    const file = web.files.get(q.url)!;
    if (http.has(page.site, q.url)) {
      if (init.engine === 'chromium') observed(page, q, file, documentId, true);
      return { ...ZERO, wan: 0 };
    }
    // The packaged set's static rules answer before anything else, in both browsers.
    const listed = hashList.lookup(q.url);
    if (listed && hashList.packagedFile(listed.key)) return { ...ZERO, wan: 0 };
    const key = init.keyOf(file);
    const entered = wan.hasEntered(file.digest());
    const started = Date.now();
    let cause: WanCause;
    let replaced = false;
    let tee: ((bytes: Uint8Array) => void) | undefined;
    const id = String(++requestIds);
    const req = { requestId: id, url: q.url, method: 'GET', type: DNR_TYPE[q.destination], tabId: 1, frameId: 0, documentUrl: page.url };
    if (init.engine === 'chromium') {
      const a = await chromiumAnswer(facts, q, file, page.site, key, Date.now());
      if (a.served) return { ...ZERO, wan: 0 };
      cause = entered ? a.cause : 'first';
    } else {
      const dataUrl = await hooks!.beforeSend({ ...req, requestHeaders: [{ name: 'Sec-Fetch-Mode', value: q.mode }] });
      // Fetched from the LAN while the request waited (the engine's askLan): the load model
      // counts that LAN transfer, not the time measured here (a simulation short of CPU would
      // inflate it).
      const lanBytes = (heldAt.get(key) ?? 0) >= started ? file.size : 0;
      if (dataUrl) return { wanBytes: 0, lanBytes, wanRoundTrip: false, wan: 0 };
      const action = hooks!.headers({ ...req, statusCode: 200, responseHeaders: pairs(file.headers) });
      replaced = !!action && 'replaceBody' in action;
      if (action && 'tee' in action) tee = (bytes) => action.tee.onBody(bytes);
      cause = entered ? await firefoxCause(facts, q, file, page.site, key, replaced) : 'first';
    }
    wan.page(file.digest(), file.size, cause);
    if (replaced) wan.replacedBytes += file.size;
    http.add(page.site, q.url);
    // A replaced body reaches the page from the cache once the response starts: one round trip.
    if (replaced) return { wanBytes: 0, lanBytes: 0, wanRoundTrip: true, wan: file.size };
    await sleep(WanLink.downloadMs(file.size));
    if (init.engine === 'chromium') observed(page, q, file, documentId, false);
    tee?.(file.bytes());
    return { wanBytes: file.size, lanBytes: 0, wanRoundTrip: true, wan: file.size };
  }

  return {
    id: init.id,
    engine: init.engine,
    service,
    store,
    async view(page) {
      const site = web.sites.find((s) => s.host === page.site)!;
      safety.documentHeaders(1, 0, page.url, pairs(documentHeaders(site)));
      await sleep(WanLink.downloadMs(page.htmlBytes));
      const documentId = String(++views);
      documents.set(documentId, page.site);
      const timings = await Promise.all(page.requests.map((q) => request(page, q, documentId)));
      // The content script's report (no <meta> CSP on these pages): the site's CSP is now known.
      safety.pageReport(1, 0, page.url, []);
      return {
        loadMs: pageLoadMs(page.htmlBytes, timings),
        wanBytes: timings.reduce((n, t) => n + t.wan, 0),
      };
    },
    async traffic() {
      const perSite = (await store.stats.summary()).perSite;
      const learnBytes = Object.entries(perSite).reduce((n, [site, c]) => n + (site === LAN_SITE ? 0 : c.learnBytes), 0);
      const heldBytes = (await store.blobs.list()).reduce((n, m) => n + m.size, 0);
      return { lanBytesIn: perSite[LAN_SITE]?.lanBytesIn ?? 0, learnBytes, heldBytes };
    },
    async stop() {
      await service.apply(mergeSettings({ user: { sharingMode: 'off' } }).values, false);
      store.close();
    },
  };
}
