/**
 * Explicit freshness (RFC 9111 §4.2): how long an observed response stays fresh, and how
 * old it already was when it arrived. Heuristic freshness (§4.2.2) is deliberately never
 * used: a URL -> hash binding is only as good as the origin's own promise.
 */
import { DELTA_SECONDS_MAX, type ResponseCacheControl } from './cache-control.ts';
import type { HeaderLookup } from './headers.ts';
import { parseHttpDate } from './http-date.ts';

/** The result of {@link computeFreshness}. */
export type Freshness =
  /** The origin gave no explicit lifetime: no max-age, s-maxage or Expires. */
  | { readonly kind: 'none' }
  /**
   * An explicit lifetime. `lifetimeMs` may be 0 (invalid or past Expires, garbled
   * max-age, conflicting duplicates); `ageMs` is how old the response already is.
   */
  | { readonly kind: 'explicit'; readonly lifetimeMs: number; readonly ageMs: number };

/**
 * Freshness lifetime and current age of a response received at `now`.
 *
 * Lifetime: PeerCache stands in for the browser's own (private) HTTP cache, so it must
 * never consider a response fresher than that cache would: max-age, else Expires - Date
 * (§4.2.1; max-age makes Expires ignored, §5.3). But bytes are also shared with LAN peers,
 * i.e. other users, as a shared cache shares them, so an s-maxage can only SHORTEN the
 * lifetime (a shared cache would use it instead of max-age, §5.2.2.10). Invalid values
 * make the response stale (§4.2.1 "Caches are encouraged to consider responses that
 * have invalid freshness information ... to be stale"); an invalid Expires, notably "0",
 * "MUST" be read as a time in the past (§5.3).
 *
 * Age: max(apparent age = now - Date, Age header) per §4.2.3; the transit delay term is
 * unknown here and treated as 0. An unparsable Age makes the response stale, since we
 * cannot tell how much of its lifetime a CDN already used.
 */
export function computeFreshness(cacheControl: ResponseCacheControl, headers: HeaderLookup, now: number): Freshness {
  const dateValue = readSingleDate(headers, 'date', now);
  // §5.6.7 of RFC 9110 lets a recipient use its receipt time for a missing/invalid Date.
  const date = typeof dateValue === 'number' ? dateValue : now;

  let privateLifetime: number | undefined;
  const { maxAge, sMaxAge } = cacheControl;
  if (maxAge !== 'absent') {
    privateLifetime = maxAge === 'invalid' ? 0 : maxAge * 1000;
  } else if (headers.has('expires')) {
    const expires = readSingleDate(headers, 'expires', now);
    privateLifetime = typeof expires === 'number' ? Math.max(0, expires - date) : 0;
  }

  // s-maxage alone gives no lifetime: a browser's cache ignores it (§5.2.2.10) and
  // revalidates, which is what an origin that purges its CDN on deploy relies on. (Found by
  // test/fuzz/admission.test.ts against http-cache-semantics' private cache; issue 10.)
  if (privateLifetime === undefined) return { kind: 'none' };
  let lifetimeMs = privateLifetime;
  if (sMaxAge !== 'absent') lifetimeMs = Math.min(lifetimeMs, sMaxAge === 'invalid' ? 0 : sMaxAge * 1000);

  const ageHeader = headers.all('age');
  let ageValue = 0;
  if (ageHeader.length > 0) {
    const values = ageHeader.flatMap((v) => v.split(',')).map((v) => v.trim());
    if (!values.every((v) => /^[0-9]+$/.test(v)) || new Set(values).size !== 1) {
      return { kind: 'explicit', lifetimeMs: 0, ageMs: 0 };
    }
    ageValue = Math.min(Number(values[0]), DELTA_SECONDS_MAX) * 1000;
  }
  const apparentAge = Math.max(0, now - date);
  return { kind: 'explicit', lifetimeMs, ageMs: Math.max(apparentAge, ageValue) };
}

// One date-valued field: 'absent', 'invalid' (unparsable, or several lines that disagree,
// §4.2.1), or its time.
function readSingleDate(headers: HeaderLookup, name: string, now: number): number | 'absent' | 'invalid' {
  const lines = headers.all(name);
  if (lines.length === 0) return 'absent';
  const times = lines.map((line) => parseHttpDate(line, now));
  const first = times[0];
  if (first === undefined || times.some((t) => t !== first)) return 'invalid';
  return first;
}
