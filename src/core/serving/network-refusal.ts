/**
 * Would the network refuse this page's request? (architecture.md, "Serving engines": a served
 * response must lead to the same outcome as the network's.) A response from the cache, above
 * all a `data:` URL, skips the checks the browser makes on the origin's response: CORS and
 * `Cross-Origin-Resource-Policy`. So a request the network would refuse is never answered
 * locally, and what decides is what the origin sent with THIS URL's response, recorded with its
 * binding when it was learned (never what another URL with the same bytes sent).
 *
 * Conservative where the facts run out: without a public suffix list, `same-site` is judged as
 * `same-origin` (refusing more than the network would only costs a download).
 */

import { classifyContentType } from '../admission/asset-type.ts';
import type { CspDestination } from './csp.ts';

/** A `Cross-Origin-Resource-Policy` that keeps a response from other origins or sites. */
export type RestrictiveCorp = 'same-origin' | 'same-site';

/** What the origin sent with one URL's response, as far as who may use it goes. */
export interface ResponseAccess {
  /** `Access-Control-Allow-Origin: *`: any origin may read it with CORS, without credentials. */
  readonly corsAnyOrigin: boolean;
  /** Its `Cross-Origin-Resource-Policy` when restrictive; absent for none or `cross-origin`. */
  readonly corp?: RestrictiveCorp;
}

/** A page's request, as far as the network's checks go. */
export interface PageRequest {
  /** The URL requested. */
  readonly url: string;
  /** URL (or origin) of the document that made the request. */
  readonly initiator: string;
  /** The request's mode (`Sec-Fetch-Mode`): `no-cors`, `cors`, `same-origin`, … */
  readonly mode: string;
  /**
   * The request carries credentials (credentials mode `include`, or cookies/Authorization
   * seen on it). Against `Access-Control-Allow-Origin: *` a credentialed CORS request fails.
   */
  readonly credentialed: boolean;
}

/** Why the network would refuse a request. */
export type NetworkRefusal = 'invalid-url' | 'cors-not-allowed' | 'cors-credentials' | 'same-origin-mode' | 'corp' | 'unknown-mode';

/**
 * Parses `Cross-Origin-Resource-Policy` (Fetch, "cross-origin resource policy check"). A value
 * naming `same-origin` or `same-site` anywhere counts as that policy even where a browser would
 * ignore the malformed header: when in doubt, keep the response to its own origin.
 */
export function parseCorp(value: string | undefined): RestrictiveCorp | undefined {
  if (value === undefined) return undefined;
  const tokens = value.toLowerCase().split(',').map((t) => t.trim());
  if (tokens.includes('same-origin')) return 'same-origin';
  if (tokens.includes('same-site')) return 'same-site';
  return undefined;
}

const originOf = (url: string): string | undefined => {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
};

/**
 * The reason the network would refuse `request` given what the origin sent, or undefined when
 * it would not. A same-origin request passes every check. Cross-origin:
 * - `cors`: needs `Access-Control-Allow-Origin: *` (another origin's echo was for that origin),
 *   and no credentials, which a wildcard never admits (Fetch, "CORS check");
 * - `same-origin`: always refused;
 * - `no-cors`: refused by a restrictive `Cross-Origin-Resource-Policy` (which applies to no-cors
 *   requests only);
 * - any other mode (navigations, websockets): not a subresource PeerCache answers.
 *
 * @example
 * ```ts
 * networkRefusal({ corsAnyOrigin: false }, { url: 'https://bank.example/jq.js', initiator: 'https://b.example/', mode: 'cors', credentialed: false });
 * // 'cors-not-allowed'
 * ```
 */
export function networkRefusal(access: ResponseAccess, request: PageRequest): NetworkRefusal | undefined {
  const target = originOf(request.url);
  const from = originOf(request.initiator);
  if (!target || !from) return 'invalid-url';
  if (target === from) return undefined;
  switch (request.mode) {
    case 'cors':
      if (!access.corsAnyOrigin) return 'cors-not-allowed';
      return request.credentialed ? 'cors-credentials' : undefined;
    case 'same-origin':
      return 'same-origin-mode';
    case 'no-cors':
      return access.corp ? 'corp' : undefined;
    default:
      return 'unknown-mode';
  }
}

/**
 * Whether a response of `type` loads for `destination` as the network's would, so that a `data:`
 * URL of that type (which carries no `X-Content-Type-Options`) changes nothing: a URL its origin
 * serves as an image is no script, whatever its bytes. fetch()/XHR (`connect`) read any type.
 */
export function typeLoadsAs(type: string, destination: CspDestination): boolean {
  const kind = classifyContentType(type);
  return destination === 'connect' ? kind !== null : kind === destination;
}
