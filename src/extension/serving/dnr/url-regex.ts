/**
 * One anchored RE2 `regexFilter` that matches exactly a list of URLs, within what Chromium
 * will compile.
 *
 * Chromium compiles each `regexFilter` with RE2 under `max_mem = 2 KB` (`kRegexMaxMemKb`,
 * extensions/browser/api/declarative_net_request/constants.h); a rule over the limit is
 * rejected ("exceeded the 2KB memory limit when compiled"), and since session and dynamic
 * rule updates are atomic, so is the whole batch. The limit is on the compiled program, not
 * the source length: public
 * measurements against Chromium 141 put it at about 116 RE2 instructions. A plain-literal
 * URL costs one instruction per character, so a 2,000-character source would be far over.
 * We therefore bound the program size, with a model that can only over-estimate for the
 * patterns we emit (literals, `^`, `$`, one non-capturing alternation):
 *   2 (Fail + Match) + 2 (an unanchored `.*?` loop, in case the `^` is lifted) + 1 (`^`)
 *   + 1 (`$`) + one per literal character + one Alt per extra alternative (+ one per empty one).
 * RE2 in fact strips a literal prefix after `^`, so real programs are smaller. The platform
 * layer can still confirm a rule with `chrome.declarativeNetRequest.isRegexSupported`.
 *
 * With ~116 instructions, two CDN URLs of one file written out in full do not fit
 * (jsDelivr + unpkg for jQuery is ~115 characters). They mostly differ only in the middle
 * (`https://` + host/prefix + the same npm path), so the alternation is written as
 * `^P(?:m1|m2|…)S$` with the longest common prefix P and suffix S taken out: it matches
 * exactly the same strings and costs about half.
 */

/** RE2 and JS RegExp metacharacters (outside classes). */
const META = /[\\^$.|?*+()[\]{}]/g;

/** Escapes every regex metacharacter, so `text` matches only itself (RE2 and JS alike). */
export function escapeRegex(text: string): string {
  return text.replace(META, '\\$&');
}

/** Instruction budget we allow; below the measured ~116 for margin across Chromium versions. */
export const DEFAULT_MAX_REGEX_PROGRAM = 100;
/** Outer bound on the source text, whatever the program estimate says. */
export const DEFAULT_MAX_REGEX_LENGTH = 2_000;

/** Limits for {@link buildUrlRegex}. */
export interface UrlRegexLimits {
  maxProgram: number;
  maxLength: number;
}

/** Why a URL was left out of a rule. */
export type UrlDropReason = 'not-https' | 'not-canonical' | 'duplicate' | 'regex-budget';

/** A URL left out, with why. */
export interface DroppedUrl {
  readonly url: string;
  readonly reason: UrlDropReason;
}

const FIXED_COST = 6;

/** `urls` split as common prefix, the differing middles, common suffix (no overlap). */
export function factorUrls(urls: readonly string[]): { prefix: string; middles: string[]; suffix: string } {
  if (urls.length < 2) return { prefix: urls[0] ?? '', middles: urls.length === 0 ? [] : [''], suffix: '' };
  let p = 0;
  const first = urls[0]!;
  while (p < first.length && urls.every((u) => u[p] === first[p])) p++;
  const rests = urls.map((u) => u.slice(p));
  const shortest = Math.min(...rests.map((r) => r.length));
  let q = 0;
  while (q < shortest && rests.every((r) => r[r.length - 1 - q] === rests[0]![rests[0]!.length - 1 - q])) q++;
  return { prefix: first.slice(0, p), middles: rests.map((r) => r.slice(0, r.length - q)), suffix: rests[0]!.slice(rests[0]!.length - q) };
}

/** Upper bound of the RE2 program size of the regex {@link buildUrlRegex} makes from `urls`. */
export function regexProgramBound(urls: readonly string[]): number {
  const { prefix, middles, suffix } = factorUrls(urls);
  const alternatives = middles.length > 1 ? middles.length - 1 + middles.filter((m) => m === '').length : 0;
  return FIXED_COST + prefix.length + middles.reduce((sum, m) => sum + m.length, 0) + suffix.length + alternatives;
}

/** `^url$`, or `^P(?:m1|m2|…)S$` for several URLs (see {@link factorUrls}); URLs already checked. */
export function alternation(urls: readonly string[]): string {
  if (urls.length === 1) return `^${escapeRegex(urls[0]!)}$`;
  const { prefix, middles, suffix } = factorUrls(urls);
  return `^${escapeRegex(prefix)}(?:${middles.map(escapeRegex).join('|')})${escapeRegex(suffix)}$`;
}

/**
 * Why `url` cannot be matched exactly, or null. DNR matches the request URL as Chromium
 * canonicalised it, so only URLs already in WHATWG canonical form (`new URL(u).href === u`)
 * are used; where GURL and WHATWG disagree the rule just never matches (a miss goes to the
 * network: harmless). Only https: bindings exist (architecture.md, "Trust"), and request
 * URLs have no fragment.
 */
export function urlProblem(url: string): UrlDropReason | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not-canonical';
  }
  if (parsed.protocol !== 'https:') return 'not-https';
  if (parsed.href !== url || parsed.hash !== '' || url.includes('#') || parsed.username !== '' || parsed.password !== '') return 'not-canonical';
  return null;
}

/**
 * The regex for as many of `urls` as fit, most important (first) first: each URL is taken
 * if it is usable and the program bound still fits with it; one that does not fit is
 * dropped, and shorter ones after it may still fit. `regex` is null when none is usable.
 *
 * @example
 * ```ts
 * buildUrlRegex(['https://cdn.example/a.js?v=1']).regex // '^https://cdn\\.example/a\\.js\\?v=1$'
 * ```
 */
export function buildUrlRegex(
  urls: readonly string[],
  limits: Partial<UrlRegexLimits> = {},
): { regex: string | null; kept: string[]; dropped: DroppedUrl[] } {
  const maxProgram = limits.maxProgram ?? DEFAULT_MAX_REGEX_PROGRAM;
  const maxLength = limits.maxLength ?? DEFAULT_MAX_REGEX_LENGTH;
  const kept: string[] = [];
  const dropped: DroppedUrl[] = [];
  for (const url of urls) {
    const problem = kept.includes(url) ? 'duplicate' : urlProblem(url);
    if (problem !== null) {
      dropped.push({ url, reason: problem });
      continue;
    }
    const trial = [...kept, url];
    if (regexProgramBound(trial) > maxProgram || alternation(trial).length > maxLength) dropped.push({ url, reason: 'regex-budget' });
    else kept.push(url);
  }
  return { regex: kept.length === 0 ? null : alternation(kept), kept, dropped };
}

/**
 * A DNR `urlFilter` matching exactly `url` (`|` anchors both ends), for a URL too long for any
 * regex; null when the URL holds a character `urlFilter` gives a meaning (`*`, `^`, `|`) or is
 * not usable at all. `urlFilter` has no memory limit, but one filter matches one URL.
 */
export function exactUrlFilter(url: string): string | null {
  return urlProblem(url) === null && !/[*^|]/.test(url) ? `|${url}|` : null;
}

/**
 * Splits `urls` into groups that each fit one rule (`^…$` regex for as many as fit, by
 * {@link buildUrlRegex} on what is left, in order; a URL too long for any regex alone, with an
 * {@link exactUrlFilter}), at most `maxGroups`: an asset bound to more URLs than one regex holds
 * (a listed file on two CDNs that a site also hosts itself) gets a rule per group. Unusable
 * URLs are left out.
 */
export function splitUrlGroups(urls: readonly string[], maxGroups = 4, limits: Partial<UrlRegexLimits> = {}): string[][] {
  const groups: string[][] = [];
  let rest = [...urls];
  while (rest.length > 0 && groups.length < maxGroups) {
    const { kept, dropped } = buildUrlRegex(rest, limits);
    rest = dropped.filter((d) => d.reason === 'regex-budget').map((d) => d.url);
    if (kept.length > 0) {
      groups.push(kept);
      continue;
    }
    // Everything left is too long for a regex even alone: a urlFilter rule each.
    for (const url of rest) if (groups.length < maxGroups && exactUrlFilter(url) !== null) groups.push([url]);
    break;
  }
  return groups;
}
