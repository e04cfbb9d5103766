/**
 * When Chromium may learn a file from the HTTP cache the page just filled, instead of
 * downloading it again (issue 12, "never twice"). The extension cannot read a page's response
 * body, but a `fetch(url, { cache: 'force-cache', mode: 'cors', credentials: 'omit' })` run in the
 * ISOLATED world of the very document that loaded the file uses that page's cache partition and
 * is answered from it, with no request to the origin (measured, Chromium 156). Conditions, each
 * because without it the read would miss (and download after all) or could store what not
 * everyone would get:
 * - the document that made the request is known (the read runs there; a page's service worker
 *   forwards requests as tabId -1, with no document);
 * - the page's request was seen and carried no Cookie or Authorization: the entry it filled may
 *   be personalised otherwise (what PeerCache stores must be what anyone would get);
 * - it came from the network, not from the HTTP cache: who filled an older entry, with which
 *   credentials, is not known;
 * - status 200 without `no-store` (nothing else is in the cache to read);
 * - `Access-Control-Allow-Origin: *`, unless the file is the document's own origin's (a read
 *   of a cross-origin entry without it fails; a same-origin read needs none and sends no Origin);
 * - Vary names nothing but Accept-Encoding, or also Origin when the page's request was itself
 *   CORS (it then sent the same Origin as the read does; a no-cors request sent none: a miss).
 * Pure: the caller passes what webRequest observed.
 */
import { createHeaderLookup, parseCacheControl, readResponseCacheControl, splitList, type HeaderInput } from '../admission/index.ts';

/** What the page's request carried, from webRequest's onSendHeaders. */
export interface PageRequestFacts {
  /** A Cookie or Authorization header was sent. */
  readonly credentialed: boolean;
  /** An Origin header was sent: a CORS request (crossorigin, fonts, module scripts, fetch). */
  readonly cors: boolean;
}

/** What was observed of one page's response. */
export interface PageCacheFacts {
  readonly status: number;
  readonly responseHeaders: HeaderInput;
  /** The page's request headers; undefined when they were not observed. */
  readonly request: PageRequestFacts | undefined;
  readonly fromCache: boolean;
  /** The document that made the request is known. */
  readonly inDocument: boolean;
  /** The file is on the origin of that document. */
  readonly sameOrigin?: boolean;
}

export type PageCacheRefusal = 'no-document' | 'request-unseen' | 'credentialed' | 'from-cache' | 'status' | 'no-store' | 'not-any-origin' | 'vary';

/** Whether to read the file from the page's HTTP cache, and if not, why. */
export function pageCacheVerdict(f: PageCacheFacts): { read: true } | { read: false; reason: PageCacheRefusal } {
  const refuse = (reason: PageCacheRefusal): { read: false; reason: PageCacheRefusal } => ({ read: false, reason });
  if (!f.inDocument) return refuse('no-document');
  if (!f.request) return refuse('request-unseen');
  if (f.request.credentialed) return refuse('credentialed');
  if (f.fromCache) return refuse('from-cache');
  if (f.status !== 200) return refuse('status');
  const headers = createHeaderLookup(f.responseHeaders);
  if (readResponseCacheControl(parseCacheControl(headers.all('cache-control'))).noStore) return refuse('no-store');
  if (!f.sameOrigin && headers.get('access-control-allow-origin')?.trim() !== '*') return refuse('not-any-origin');
  const varies = headers.all('vary').flatMap(splitList).map((n) => n.toLowerCase());
  const matching = f.request.cors ? ['accept-encoding', 'origin'] : ['accept-encoding'];
  if (varies.some((n) => !matching.includes(n))) return refuse('vary');
  return { read: true };
}

/** Response headers a CORS read can see and webRequest saw too: equal when present in both. */
const COMPARED = ['content-length', 'content-type', 'last-modified', 'etag'] as const;

/**
 * Whether what the read got is the response webRequest saw the page receive: same length,
 * type, date and version wherever both name one (ETag only when the origin exposes it). Guards
 * against an entry replaced between the page's load and the read; the learner still hashes and
 * verifies the bytes.
 */
export function sameResponse(seen: HeaderInput, read: HeaderInput): boolean {
  const a = createHeaderLookup(seen);
  const b = createHeaderLookup(read);
  return COMPARED.every((name) => {
    const x = a.get(name)?.trim();
    const y = b.get(name)?.trim();
    return x === undefined || y === undefined || x === y;
  });
}
