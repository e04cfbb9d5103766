/**
 * Admission: may this observed HTTP response ever be stored in the shared cache, and for
 * how long does its URL -> hash binding hold? (architecture.md, "Trust", source 1.)
 *
 * Pure and synchronous: the caller supplies the request/response facts and the clock.
 * Every rule refuses when in doubt, because a wrong admission can leak one site's
 * private bytes to another site or to a LAN peer, while a wrong refusal only costs a
 * download the browser would have made anyway.
 */
import { parseCacheControl, readResponseCacheControl } from './cache-control.ts';
import { classifyContentType, type AssetType } from './asset-type.ts';
import { computeFreshness } from './freshness.ts';
import { createHeaderLookup, splitList, type HeaderInput, type HeaderLookup } from './headers.ts';
import { checkVary } from './vary.ts';

/** What was observed about one request and its response. */
export interface ObservedResponse {
  readonly url: string;
  readonly method: string;
  readonly status: number;
  /**
   * True if the request carried credentials (cookies, Authorization, a TLS client
   * certificate). Engines that see request headers may pass them instead or as well.
   */
  readonly credentialed?: boolean;
  /** Request header fields, when visible: Cookie or Authorization make it credentialed. */
  readonly requestHeaders?: HeaderInput;
  readonly responseHeaders: HeaderInput;
  /** Decoded body size in bytes, when known. */
  readonly bodySize?: number;
  /** When the response was received, epoch ms. */
  readonly now: number;
}

/** Caller-chosen limits. */
export interface AdmissionLimits {
  /** Largest asset worth storing, in bytes (decoded). */
  readonly maxAssetBytes: number;
  /**
   * Shortest explicit freshness lifetime that counts as "long-lived", in ms. Defaults to
   * {@link DEFAULT_MIN_FRESHNESS_MS}. `immutable` responses are exempt.
   */
  readonly minFreshnessMs?: number;
}

/** One hour: below that, a URL's content is too likely to change to be worth binding. */
export const DEFAULT_MIN_FRESHNESS_MS = 60 * 60 * 1000;

/** Why a response was refused, one name per rule, in the order the rules are checked. */
export type AdmissionRefusal =
  | 'invalid-url'
  | 'not-https'
  | 'not-get'
  | 'credentialed'
  | 'status'
  | 'set-cookie'
  | 'no-store'
  | 'private'
  | 'no-cache'
  | 'vary'
  | 'type'
  | 'too-large'
  | 'no-explicit-freshness'
  | 'not-fresh-long-enough';

/** Validators to revalidate the binding with once it is stale (RFC 9110 §8.8). */
export interface Validators {
  readonly etag?: string;
  readonly lastModified?: string;
}

/** An admitted response. */
export interface Admitted {
  readonly admit: true;
  /** Epoch ms until which the binding is fresh; after it, revalidate before any use. */
  readonly freshUntil: number;
  /**
   * The origin forbids using the binding once stale even when it cannot be reached
   * (`must-revalidate`, or `proxy-revalidate`/`s-maxage` since LAN sharing makes us a
   * shared cache; RFC 9111 §5.2.2.2, §5.2.2.8, §5.2.2.10).
   */
  readonly mustRevalidate: boolean;
  /** `immutable` (RFC 8246): no revalidation needed on reload while fresh. */
  readonly immutable: boolean;
  readonly validators: Validators;
  /** The Content-Type field value as served (with parameters such as charset). */
  readonly contentType: string;
  readonly assetType: AssetType;
  /** The response had `Vary: Origin`: its body might, in principle, differ per origin. */
  readonly varyOnOrigin: boolean;
}

/** A refused response. */
export interface Refused {
  readonly admit: false;
  readonly reason: AdmissionRefusal;
}

/** The admission decision. */
export type AdmissionDecision = Admitted | Refused;

const refuse = (reason: AdmissionRefusal): Refused => ({ admit: false, reason });

/**
 * Decide whether `response` may be stored, and until when its binding is fresh.
 *
 * @example
 * ```ts
 * const decision = decideAdmission({
 *   url: 'https://cdn.example/lib.js', method: 'GET', status: 200, now: Date.now(),
 *   responseHeaders: [['content-type', 'text/javascript'], ['cache-control', 'public, max-age=31536000']],
 * }, { maxAssetBytes: 5 * 1024 * 1024 });
 * if (decision.admit) store(decision.freshUntil);
 * else countRefusal(decision.reason);
 * ```
 */
export function decideAdmission(response: ObservedResponse, limits: AdmissionLimits): AdmissionDecision {
  let url: URL;
  try {
    url = new URL(response.url);
  } catch {
    return refuse('invalid-url');
  }
  if (url.protocol !== 'https:') return refuse('not-https');
  // Methods are case-sensitive (RFC 9110 §9.1); Fetch already normalises `get` to GET.
  if (response.method !== 'GET') return refuse('not-get');

  const request = createHeaderLookup(response.requestHeaders);
  // Never store anything from a credentialed request, even when RFC 9111 §3.5 would let
  // a shared cache (public, s-maxage): it may be personalised (architecture.md, Privacy).
  // Credentials in the URL itself count too.
  if (
    response.credentialed === true ||
    request.has('authorization') ||
    request.has('cookie') ||
    url.username !== '' ||
    url.password !== ''
  ) {
    return refuse('credentialed');
  }
  // 200 only: 206 is a fragment of the asset, other statuses are not the asset at all.
  if (response.status !== 200) return refuse('status');

  const headers = createHeaderLookup(response.responseHeaders);
  // A response that sets a cookie is per-user by construction (Set-Cookie2 is RFC 2965's).
  if (headers.has('set-cookie') || headers.has('set-cookie2')) return refuse('set-cookie');

  const cacheControl = readResponseCacheControl(parseCacheControl(headers.all('cache-control')));
  // A request no-store also forbids storing the response (RFC 9111 §5.2.1.5).
  const requestNoStore = parseCacheControl(request.all('cache-control')).has('no-store');
  if (cacheControl.noStore || requestNoStore) return refuse('no-store');
  // We share across sites and with LAN peers: a shared cache "MUST NOT store" (§5.2.2.7).
  if (cacheControl.private) return refuse('private');
  // no-cache: usable only after a successful validation every time (§5.2.2.4), i.e. a
  // round trip to the origin per use, which our engines cannot make inline and which
  // would save nothing for the page. Freshness 0, so refused outright.
  // Pragma: no-cache in a response is no-cache to Chromium's HTTP cache (http_response_headers.cc)
  // and, without Cache-Control, to RFC 7234 caches (http-cache-semantics): the page's own cache
  // would revalidate it, so it is not ours to keep (found by test/fuzz/admission.test.ts).
  const pragmaNoCache = headers.all('pragma').flatMap(splitList).some((d) => d.toLowerCase() === 'no-cache');
  if (cacheControl.noCache || pragmaNoCache) return refuse('no-cache');

  const vary = checkVary(headers);
  if (!vary.ok) return refuse('vary');

  const contentType = headers.get('content-type');
  const assetType = classifyContentType(contentType);
  if (assetType === null || contentType === undefined) return refuse('type');

  if (exceedsSize(response.bodySize, headers, limits.maxAssetBytes)) return refuse('too-large');

  const freshness = computeFreshness(cacheControl, headers, response.now);
  if (freshness.kind === 'none') return refuse('no-explicit-freshness');
  const remainingMs = freshness.lifetimeMs - freshness.ageMs;
  // "Long-lived" is judged on the origin's declared lifetime, not on what is left of it:
  // a year-long asset fetched from a CDN near the end of its lifetime is still stable,
  // and revalidation renews it. It must still be fresh now. `immutable` waives the
  // minimum but not freshness: it "only applies during the freshness lifetime" (RFC 8246 §2).
  const minimum = limits.minFreshnessMs ?? DEFAULT_MIN_FRESHNESS_MS;
  if (remainingMs <= 0 || (!cacheControl.immutable && freshness.lifetimeMs < minimum)) {
    return refuse('not-fresh-long-enough');
  }

  return {
    admit: true,
    freshUntil: response.now + remainingMs,
    mustRevalidate: cacheControl.mustRevalidate || cacheControl.proxyRevalidate || cacheControl.sMaxAge !== 'absent',
    immutable: cacheControl.immutable,
    validators: readValidators(headers),
    contentType: contentType.trim(),
    assetType,
    varyOnOrigin: vary.varyOnOrigin,
  };
}

// The decoded size, when known, decides. Otherwise Content-Length: with a content coding
// it is the encoded size, and coded assets that are already over the limit compressed
// are taken as over it decoded (compression only adds a few bytes to incompressible
// data). An unknown size is admitted here; the store enforces the limit on the bytes.
function exceedsSize(bodySize: number | undefined, headers: HeaderLookup, maxAssetBytes: number): boolean {
  if (bodySize !== undefined) return bodySize > maxAssetBytes;
  const declared = headers.get('content-length');
  if (declared === undefined) return false;
  // "42, 42" is allowed when all values agree (RFC 9110 §8.6); anything else is unknown.
  const values = new Set(declared.split(',').map((v) => v.trim()));
  const [value] = values;
  if (values.size !== 1 || value === undefined || !/^[0-9]+$/.test(value)) return false;
  return Number(value) > maxAssetBytes;
}

function readValidators(headers: HeaderLookup): Validators {
  const etag = headers.get('etag')?.trim();
  const lastModified = headers.get('last-modified')?.trim();
  return {
    ...(etag ? { etag } : {}),
    ...(lastModified ? { lastModified } : {}),
  };
}
