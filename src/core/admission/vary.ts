/**
 * Vary (RFC 9110 §12.5.5): which request headers the origin says select the response.
 *
 * A cross-site cache never knows the request headers another site will send, so only
 * two are tolerated:
 * - `Accept-Encoding`: the content coding changes the transfer, not the decoded bytes we
 *   store and hash.
 * - `Origin`: CDNs send it with CORS; the body is normally identical for every origin.
 *   Not guaranteed, though, so the admission result reports it (`varyOnOrigin`) for the
 *   serving side to weigh.
 * `*` ("anything, including things outside the request") and every other field refuse.
 */
import type { HeaderLookup } from './headers.ts';
import { splitList } from './headers.ts';

/** Vary field names we can live with, lowercase. */
export const TOLERATED_VARY: readonly string[] = Object.freeze(['accept-encoding', 'origin']);

/** The outcome of reading Vary. */
export type VaryVerdict = { readonly ok: true; readonly varyOnOrigin: boolean } | { readonly ok: false };

/** Check the response's Vary field lines. */
export function checkVary(headers: HeaderLookup): VaryVerdict {
  const names = headers.all('vary').flatMap(splitList).map((name) => name.toLowerCase());
  if (names.some((name) => !TOLERATED_VARY.includes(name))) return { ok: false };
  return { ok: true, varyOnOrigin: names.includes('origin') };
}
