/**
 * Cache-Control (RFC 9111 §5.2): `#cache-directive`, where
 * `cache-directive = token [ "=" ( token / quoted-string ) ]`.
 *
 * Parsing is robust rather than strict, and every ambiguity resolves towards NOT caching:
 * - directive names are compared case-insensitively (§5.2);
 * - an argument may be a token or a quoted-string for any directive: "recipients ought
 *   to accept both forms" (§5.2), so `max-age="60"` is 60;
 * - a quoted-string may contain commas (`no-cache="a, b"` is one directive);
 * - a malformed element whose name is readable still counts (`private;x` is `private`),
 *   and its argument is marked malformed, so a restrictive flag is never lost and a
 *   garbled `max-age` is never trusted;
 * - a directive given twice with different values is "invalid" (§4.2.1 allows treating
 *   such a response as stale; we do).
 */
import { splitList } from './headers.ts';

/** One occurrence of a directive. */
export interface DirectiveOccurrence {
  /** The unquoted argument, or null when the directive had none. */
  readonly argument: string | null;
  /** True when the element did not follow the grammar after the directive name. */
  readonly malformed: boolean;
}

/** Directives by lowercase name, each with all its occurrences in order. */
export type CacheControlDirectives = ReadonlyMap<string, readonly DirectiveOccurrence[]>;

/**
 * A delta-seconds argument (RFC 9111 §1.2.2): seconds, `'absent'`, or `'invalid'`
 * (not `1*DIGIT`, no argument, malformed, or conflicting duplicates).
 */
export type DeltaSeconds = number | 'absent' | 'invalid';

/** The response directives admission needs, already interpreted. */
export interface ResponseCacheControl {
  readonly noStore: boolean;
  /** `no-cache` in either form; the qualified form is treated as unqualified (see below). */
  readonly noCache: boolean;
  /** `private` in either form; the qualified form is treated as unqualified (see below). */
  readonly private: boolean;
  readonly public: boolean;
  readonly mustRevalidate: boolean;
  readonly proxyRevalidate: boolean;
  /** RFC 8246. */
  readonly immutable: boolean;
  readonly maxAge: DeltaSeconds;
  readonly sMaxAge: DeltaSeconds;
}

/**
 * The largest delta-seconds we represent: a larger value "MUST" be taken as 2^31
 * (RFC 9111 §1.2.2), which also keeps later millisecond arithmetic exact.
 */
export const DELTA_SECONDS_MAX = 2 ** 31;

// tchar (RFC 9110 §5.6.2).
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

/** Parse one or more Cache-Control field values (pass every field line, or them combined). */
export function parseCacheControl(values: string | readonly string[]): CacheControlDirectives {
  const directives = new Map<string, DirectiveOccurrence[]>();
  for (const value of typeof values === 'string' ? [values] : values) {
    for (const element of splitList(value)) {
      const parsed = parseElement(element);
      if (parsed === null) continue;
      const list = directives.get(parsed.name);
      if (list) list.push(parsed.occurrence);
      else directives.set(parsed.name, [parsed.occurrence]);
    }
  }
  return directives;
}

function parseElement(element: string): { name: string; occurrence: DirectiveOccurrence } | null {
  const nameMatch = TOKEN.exec(element);
  // No readable name: nothing can be honoured or trusted, so the element is ignored.
  if (nameMatch === null) return null;
  const name = nameMatch[0].toLowerCase();
  const rest = element.slice(nameMatch[0].length).trimStart();
  if (rest === '') return { name, occurrence: { argument: null, malformed: false } };
  if (!rest.startsWith('=')) return { name, occurrence: { argument: null, malformed: true } };
  // Whitespace around "=" is not in the grammar but common; tolerate it.
  const raw = rest.slice(1).trim();
  if (raw.startsWith('"')) {
    const unquoted = unquote(raw);
    return { name, occurrence: unquoted === null ? { argument: raw, malformed: true } : { argument: unquoted, malformed: false } };
  }
  const token = TOKEN.exec(raw);
  const wellFormed = token !== null && token[0].length === raw.length;
  return { name, occurrence: { argument: raw, malformed: !wellFormed } };
}

// quoted-string (RFC 9110 §5.6.4): the whole of `raw` must be one quoted string.
function unquote(raw: string): string | null {
  let out = '';
  for (let i = 1; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\') {
      if (i + 1 >= raw.length) return null;
      out += raw[++i];
    } else if (c === '"') {
      return i === raw.length - 1 ? out : null;
    } else {
      out += c;
    }
  }
  return null;
}

/** Read a delta-seconds directive; see {@link DeltaSeconds}. */
export function readDeltaSeconds(directives: CacheControlDirectives, name: string): DeltaSeconds {
  const occurrences = directives.get(name.toLowerCase());
  if (occurrences === undefined) return 'absent';
  let result: number | undefined;
  for (const { argument, malformed } of occurrences) {
    if (malformed || argument === null || !/^[0-9]+$/.test(argument)) return 'invalid';
    const seconds = Math.min(Number(argument), DELTA_SECONDS_MAX);
    if (result !== undefined && result !== seconds) return 'invalid';
    result = seconds;
  }
  return result ?? 'absent';
}

/**
 * Interpret the response directives admission relies on.
 *
 * Qualified `no-cache="field"` and `private="field"` count as their unqualified forms:
 * RFC 9111 §5.2.2.4 and §5.2.2.7 both note this "is often handled by caches as if an
 * unqualified ... directive was received", and honouring the field lists would mean
 * tracking per-header restrictions for no real gain.
 */
export function readResponseCacheControl(directives: CacheControlDirectives): ResponseCacheControl {
  const has = (name: string): boolean => directives.has(name);
  return {
    noStore: has('no-store'),
    noCache: has('no-cache'),
    private: has('private'),
    public: has('public'),
    mustRevalidate: has('must-revalidate'),
    proxyRevalidate: has('proxy-revalidate'),
    immutable: has('immutable'),
    maxAge: readDeltaSeconds(directives, 'max-age'),
    sMaxAge: readDeltaSeconds(directives, 's-maxage'),
  };
}
