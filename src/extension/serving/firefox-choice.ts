/**
 * The Firefox engine's decisions (pure: firefox-engine.ts gathers the facts and speaks to the
 * browser): how to answer one subresource request, and whether the response that came back
 * is the one PeerCache holds. The page must get the network's outcome (issue 9, item 2):
 *
 * - Nothing for a page PeerCache must not act on (off, blocked, paused, not allowed), for a URL
 *   whose own binding the privacy gate keeps to the site it was learned on, nor for a request the
 *   network would refuse (CORS without `*`, credentials against `*`, restrictive CORP: what THIS
 *   URL's origin sent, core/serving/network-refusal.ts). Those go out untouched and fail or
 *   succeed as without PeerCache.
 * - A `data:` redirect (the origin sees nothing) only where it cannot change the outcome: a
 *   no-cors request (a CORS-mode request fails on `data:` in Firefox), from a page whose CSP
 *   admits `data:` for the destination, of a type that destination loads as the network's
 *   response would load, and bytes that stay the same resource as a `data:` URL.
 * - Otherwise the request goes out and its body is replaced by the verified bytes, so CORS, CSP
 *   and SRI judge the origin's own response; only a 200 of the same version is replaced.
 */
import { checkDataUrlServable } from '../../core/serving/asset-checks.ts';
import type { CspDestination } from '../../core/serving/csp.ts';
import { buildDataUrl } from '../../core/serving/data-url.ts';
import { networkRefusal, typeLoadsAs } from '../../core/serving/network-refusal.ts';
import { bindingVerdict, type PrivacyGateInput } from '../../core/serving/privacy-gate.ts';
import { hostOf } from '../cache/context.ts';
import type { Servable } from '../cache/resolver.ts';
import { DESTINATIONS } from './engine-types.ts';

/** A page's subresource request, as far as the choice goes. */
export interface SubresourceRequest {
  readonly url: string;
  readonly method: string;
  /** webRequest resource type: `script`, `stylesheet`, `font`, `image`, `xmlhttprequest`… */
  readonly type: string;
  /** `Sec-Fetch-Mode`: `no-cors`, `cors`, `same-origin`… ('' when absent). */
  readonly mode: string;
  /** Cookies or Authorization go along. */
  readonly credentialed: boolean;
  /** URL of the document that made the request. */
  readonly documentUrl?: string;
}

/** Everything the choice reads besides the request. */
export interface RequestFacts {
  /** PeerCache is on and may act for the requesting page's site (cache/site-policy.ts). */
  readonly mayAct: boolean;
  /** This URL's own binding with the verified bytes it names, when held (cache/resolver.ts). */
  readonly found: Servable | undefined;
  readonly gate: Pick<PrivacyGateInput, 'minLanPeers' | 'requirePopular'>;
  /** Whether the page (its site's history and this very document) admits `data:` for `destination`. */
  pageAdmitsData(destination: CspDestination): boolean;
  /** {@link dataUrlOf}, remembered by the caller (encoding is the costly part of an answer). */
  dataUrlOf?(serve: Servable): string | undefined;
}

/** How one request is answered. */
export type RequestChoice =
  /** The network answers, untouched. */
  | { readonly action: 'pass' }
  /** Redirected to this `data:` URL before it is sent. */
  | { readonly action: 'redirect'; readonly dataUrl: string; readonly serve: Servable }
  /** Sent; a 200 of the same version gets these bytes as its body ({@link replacesResponse}). */
  | { readonly action: 'replace-body'; readonly serve: Servable };

const PASS: RequestChoice = Object.freeze({ action: 'pass' });

/** The destination PeerCache serves a GET of this webRequest type for, or undefined. */
export function servedDestination(request: Pick<SubresourceRequest, 'method' | 'type'>): CspDestination | undefined {
  return request.method === 'GET' ? DESTINATIONS[request.type] : undefined;
}

/**
 * How to answer `request`.
 *
 * @example
 * ```ts
 * chooseAnswer({ url, method: 'GET', type: 'script', mode: 'no-cors', credentialed: false, documentUrl: 'https://b.example/' },
 *   { mayAct: true, found, gate: settings, pageAdmitsData: () => true }); // { action: 'redirect', dataUrl: 'data:…' }
 * ```
 */
export function chooseAnswer(request: SubresourceRequest, facts: RequestFacts): RequestChoice {
  const destination = servedDestination(request);
  const serve = facts.found;
  if (!destination || !facts.mayAct || !serve || !bindingVerdict(serve, facts.gate, hostOf(request.documentUrl)).allowed) return PASS;
  // A request the network would refuse, judged by what this URL's origin sent (CORS, CORP), is
  // never answered: it goes out untouched and fails as it would without PeerCache.
  if (networkRefusal(serve, { url: request.url, initiator: request.documentUrl ?? '', mode: request.mode, credentialed: request.credentialed })) return PASS;
  const replace: RequestChoice = { action: 'replace-body', serve };
  if (request.mode !== 'no-cors' || !facts.pageAdmitsData(destination) || !typeLoadsAs(serve.type, destination)) return replace;
  const dataUrl = (facts.dataUrlOf ?? dataUrlOf)(serve);
  return dataUrl === undefined ? replace : { action: 'redirect', dataUrl, serve };
}

/** The `data:` URL of these bytes as their URL's type, or undefined when they would not stay the same resource as one. */
export function dataUrlOf(serve: Pick<Servable, 'blob' | 'type'>): string | undefined {
  const verdict = checkDataUrlServable(serve.blob.bytes, serve.type);
  return verdict.servable ? buildDataUrl(serve.blob.bytes, verdict.mediaType) : undefined;
}

/**
 * Whether the response that came back for a request chosen for `replace-body` is the one PeerCache
 * holds: a 200, and the same version when both name one (ETag). Anything else (an error, a new
 * version) reaches the page untouched.
 */
export function replacesResponse(serve: Pick<Servable, 'etag'>, response: { readonly statusCode: number; readonly etag?: string | undefined }): boolean {
  return response.statusCode === 200 && (!serve.etag || !response.etag || response.etag === serve.etag);
}

