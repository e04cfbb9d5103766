import { header, type SeenResponse } from '../cache/learner.ts';
import { bindingFor } from '../cache/resolver.ts';
import type { EngineEnv, JsonState } from './engine-types.ts';
import { createSightings, learningVerdict, type Sightings } from '../../core/serving/learning-cost.ts';
import { hostOf } from '../cache/context.ts';
import type { RequestFacts } from '../platform/chromium/web-request.ts';
import type { PageCacheRead, PageDocument } from '../platform/chromium/page-cache.ts';
import { boundedDownload } from './bounded-download.ts';
import { createPageCacheReads } from './page-cache-reads.ts';

const CONCURRENCY = 2;
const MAX_QUEUED = 200;
/** URLs whose sites are remembered for the learning decision (learning-cost.ts). */
const MAX_SIGHTINGS = 2_000;
/**
 * The longest a download may take, body included. Learning is never urgent; a stalled origin
 * must not hold one of the two slots (a library file takes well under a second on a slow link).
 */
const DOWNLOAD_TIMEOUT_MS = 30_000;

/** A response webRequest saw, with what reading it from the page's cache needs. */
export interface ObservedForLearning extends SeenResponse {
  /** webRequest's resource type: a read of the page's cache shows up as 'xmlhttprequest'. */
  readonly type?: string;
  readonly fromCache?: boolean;
  /** The document that made the request, when known: the page-cache read runs there. */
  readonly document?: PageDocument;
  /** What the page's request carried; undefined when not observed. */
  readonly request?: RequestFacts;
}

/** Reads `url` from the HTTP cache of the page `doc` (platform/chromium/page-cache.ts). */
export type ReadPageCache = (doc: PageDocument, url: string, maxBytes: number, timeoutMs: number) => Promise<PageCacheRead>;

/**
 * Chromium learning: the extension cannot read a page's response body. Only when the response
 * was admissible and is not known yet, in this order: held already; from the HTTP cache the
 * page just filled, when that is safe and will hit (page-cache-reads.ts: no request to the
 * origin, no LAN bytes, and read while the page's document is still there); from a LAN peer by
 * hash; from a LAN node that knows the URL; and last by downloading
 * the URL again, without credentials (what it stores is what anyone would get), only where
 * that pays back (core/serving/learning-cost.ts: never a packaged file; without a LAN, once a
 * second site loaded the URL). Downloaded bytes are counted in the stats as learning's cost,
 * bytes from the page's cache apart. Bounded: at most two at a time and 200 waiting, each
 * download to `maxAssetBytes` and 30 s (bounded-download.ts; the page-cache read has its own);
 * duplicates are dropped. It announces no store itself: whoever stores the bytes does, once
 * (the learner's `onLearned`, the peer service's `onStored`), and the background re-plans.
 */
export function createRefetchQueue(init: {
  env: EngineEnv;
  /** The extension's own download. */
  fetch: typeof fetch;
  /** Which sites loaded which URL, kept for the browser session: the service worker restarts often. */
  sightings: JsonState<unknown>;
  /** Absent: never read from the page's cache. */
  readPageCache?: ReadPageCache;
  /** When a read of the page's cache last went to the network, kept for the browser session. */
  pageCacheMiss?: JsonState<number>;
  /** Tests: a shorter bound on the download than {@link DOWNLOAD_TIMEOUT_MS}. */
  downloadTimeoutMs?: number;
}): { consider(r: ObservedForLearning): void } {
  // Called unbound: a browser's fetch refuses any `this` but the global scope ("Illegal invocation").
  const { env, fetch: download, downloadTimeoutMs = DOWNLOAD_TIMEOUT_MS } = init;
  const queued = new Map<string, ObservedForLearning>();
  let running = 0;
  const sightingsState = init.sightings;
  let sightings: Promise<Sightings> | undefined;
  const pageCache = init.readPageCache && init.pageCacheMiss ? createPageCacheReads({ read: init.readPageCache, missedAt: init.pageCacheMiss }) : undefined;

  async function fetchAndLearn(r: ObservedForLearning): Promise<void> {
    const ctx = await env.cache();
    const s = ctx.settings();
    const listed = ctx.hashList.lookup(r.url);
    // Downloading again costs the user bytes (learning-cost.ts): never for a packaged file, and
    // only for what can ever be served or shared. A file off the public list is only servable
    // once popular on the LAN (or with requirePopular off), which needs a LAN to share with.
    const lanSharing = s.sharingMode === 'lan' && s.lanNodes.length > 0;
    const facts = { packaged: !!listed && !!ctx.hashList.packagedFile(listed.key), servable: !!listed || !s.requirePopular || lanSharing, lanSharing };
    if (facts.packaged || !facts.servable) return;
    const learner = await env.learner();
    const admitted = learner.admit(r);
    if (!admitted || (await learner.alreadyKnown(r.url))) return;
    const max = env.maxAssetBytes();
    // A URL whose hash is known (the public list, or the group's binding when trusted): a LAN
    // peer can provide it verified instead of the origin (asked before any download); the bytes
    // come in over the LAN, not the WAN link.
    const bound = await bindingFor(ctx, r.url);
    // Held already: nothing to read. (Bytes a group's claim named are held, but this browser's
    // own observation from the page's cache below still beats the claim, issue 10, item 1.)
    const held = !!bound && (await ctx.store.blobs.has(bound.key));
    if (held && !bound.groupClaim) return;
    // Past the site's share of the cache for today (store/blobs.ts) the learner would refuse
    // what is read or downloaded: a junk page must not make us read or download its junk.
    const hasShare = await learner.siteHasShare(r);
    // The page's own HTTP cache first: it holds what the origin just sent this page (a 200 it
    // may keep), so the read costs no download, it is this browser's own observation (which
    // beats a group's claim, issue 10, item 1), and it must happen while the page's document is
    // still there: asked after the LAN, a tab closed right after its page loaded had nothing to
    // read, and the file was downloaded a second time (lan e2e, 'both running in one office').
    let readPageCache = true;
    let downloaded = false;
    if (pageCache && hasShare) {
      const own = await pageCache.read(r, { maxBytes: max, mayDownload: false });
      // A read that made a request is never repeated below.
      readPageCache = own.outcome === 'none';
      if (own.outcome === 'bytes') {
        await learner.learn(r, admitted, own.bytes, own.fromCache ? 0 : own.bytes.byteLength, own.fromCache ? own.bytes.byteLength : 0);
        return;
      }
      // It went to the origin (the cache had lost it): that was this URL's one download.
      downloaded = own.outcome === 'requested';
    }
    if (held) return;
    if (bound && (await env.peers.fetch(bound.key, admitted.contentType, max)) === 'stored') return;
    // Any URL the LAN knows is never downloaded twice: a LAN node may hold its file (the group's
    // binding has not reached us yet), or a colleague is downloading it right now and the node
    // makes us wait for that one download (p2p/lookup, node/lookups.ts).
    if (lanSharing && (await env.peers.lookup(r.url, admitted.contentType, max)) === 'stored') return;
    if (!hasShare) return;
    // From the origin: one more download, only where it can pay back.
    sightings ??= sightingsState.read().then((saved) => createSightings(MAX_SIGHTINGS, saved));
    const seen = await sightings;
    const sites = seen.record(r.url, hostOf(r.initiator) ?? '');
    void sightingsState.write(seen.toJSON());
    // Chromium's rules answer only files any origin may read (serving/dnr/rules.ts).
    const answerableHere = header(r, 'access-control-allow-origin')?.trim() === '*';
    const verdict = learningVerdict({ ...facts, sites, answerableHere });
    // The page's own cache: free, so not bound to the verdict while reads hit.
    const read = readPageCache ? await pageCache?.read(r, { maxBytes: max, mayDownload: verdict.download }) : undefined;
    if (read?.outcome === 'bytes') {
      const { bytes, fromCache } = read;
      await learner.learn(r, admitted, bytes, fromCache ? 0 : bytes.byteLength, fromCache ? bytes.byteLength : 0);
      return;
    }
    // A read that made a request may have downloaded the file already: never a second time.
    if (downloaded || read?.outcome === 'requested' || !verdict.download) return;
    const seenEtag = header(r, 'etag');
    const got = await boundedDownload(download, r.url, { credentials: 'omit', cache: 'no-store', redirect: 'error' }, {
      maxBytes: max,
      timeoutMs: downloadTimeoutMs,
      // The same version as the page got, when the origin names versions.
      accept: (res) => !seenEtag || !res.headers.get('etag') || res.headers.get('etag') === seenEtag,
    });
    if (!got.ok) {
      if (got.reason === 'too-large' || got.reason === 'timeout') env.log(`learn ${r.url}: download given up (${got.reason})`);
      return;
    }
    await learner.learn(r, admitted, got.bytes, got.bytes.byteLength);
  }

  function pump(): void {
    while (running < CONCURRENCY && queued.size > 0) {
      const [url, r] = queued.entries().next().value as [string, SeenResponse];
      queued.delete(url);
      running++;
      void fetchAndLearn(r)
        .catch((e: unknown) => env.log(`learn ${url}: ${String(e)}`))
        .finally(() => {
          running--;
          pump();
        });
    }
  }

  return {
    consider(r) {
      // The response to our own read of a page's cache is no page's request (and must not loop).
      if (pageCache?.isOwn(r) || queued.has(r.url) || queued.size >= MAX_QUEUED) return;
      queued.set(r.url, r);
      pump();
    },
  };
}
