import { pageCacheVerdict, sameResponse } from '../../core/serving/page-cache.ts';
import type { JsonState } from './engine-types.ts';
import type { ObservedForLearning, ReadPageCache } from './refetch-queue.ts';

/** A read takes milliseconds from the cache; past this, the page's document is busy or gone. */
const READ_TIMEOUT_MS = 10_000;
/** The response to our own read arrives through webRequest for a while after it ended. */
const OWN_GRACE_MS = 10_000;
/**
 * A read the HTTP cache could not answer went to the origin: a download. After one, reads that
 * learning would not have downloaded for wait this long (a browser whose cache is off, or
 * evicts at once, would otherwise download everything it sees).
 */
const MISS_PAUSE_MS = 3_600_000;

/** `url`'s origin as webRequest writes an initiator (scheme://host[:port]), or undefined. */
function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

export type PageCacheOutcome =
  | { readonly outcome: 'bytes'; readonly bytes: Uint8Array; readonly fromCache: boolean }
  /** The read made a request and got nothing usable: it may have cost a download already. */
  | { readonly outcome: 'requested' }
  /** Not read (conditions, no document, a page service worker): nothing was requested. */
  | { readonly outcome: 'none' };

/**
 * Chromium learning from the HTTP cache the page just filled (core/serving/page-cache.ts says
 * when; platform/chromium/page-cache.ts reads). Knows its own reads, so that their responses,
 * which webRequest reports with the page as initiator, are not taken for a page's requests.
 */
export function createPageCacheReads(init: { read: ReadPageCache; missedAt: JsonState<number>; now?: () => number }) {
  const now = init.now ?? Date.now;
  /** Reads under way or just ended, by URL and document: until when their responses are ours. */
  const own = new Map<string, number>();
  let missedAt: Promise<number | undefined> | undefined;
  const keyOf = (url: string, documentId: string): string => `${documentId} ${url}`;

  return {
    /** Whether `r` is the response to one of our reads (webRequest shows it as the page's fetch). */
    isOwn(r: ObservedForLearning): boolean {
      for (const [k, until] of own) if (until < now()) own.delete(k);
      return r.type === 'xmlhttprequest' && !!r.document && own.has(keyOf(r.url, r.document.documentId));
    },

    /**
     * Reads `r`'s file from its page's cache when that is safe and should hit. `mayDownload`:
     * learning would download it anyway, so a miss costs nothing more.
     */
    async read(r: ObservedForLearning, o: { maxBytes: number; mayDownload: boolean }): Promise<PageCacheOutcome> {
      const doc = r.document;
      const facts = { status: r.status, responseHeaders: r.responseHeaders, request: r.request, fromCache: r.fromCache ?? true, inDocument: !!doc, sameOrigin: originOf(r.url) === r.initiator };
      if (!doc || !pageCacheVerdict(facts).read) return { outcome: 'none' };
      missedAt ??= init.missedAt.read();
      if (!o.mayDownload && now() - ((await missedAt) ?? -Infinity) < MISS_PAUSE_MS) return { outcome: 'none' };
      const key = keyOf(r.url, doc.documentId);
      own.set(key, Infinity);
      try {
        const got = await init.read(doc, r.url, o.maxBytes, READ_TIMEOUT_MS);
        if (!got.ok) return { outcome: got.requested ? 'requested' : 'none' };
        if (!got.fromCache) {
          missedAt = Promise.resolve(now());
          void init.missedAt.write(now());
        }
        // Not what the page got (the entry changed since): not these bytes, and no second download.
        if (!sameResponse(r.responseHeaders, got.headers)) return { outcome: 'requested' };
        return { outcome: 'bytes', bytes: got.bytes, fromCache: got.fromCache };
      } finally {
        own.set(key, now() + OWN_GRACE_MS);
      }
    },
  };
}
