/**
 * The Chromium engine's declarativeNetRequest rules, as plain objects (pure: the platform
 * layer applies them). Two kinds (architecture.md, "Serving engines"):
 *
 * - REDIRECT rules, one per hot asset, at {@link REDIRECT_PRIORITY}: every URL bound to the
 *   asset -> its `data:` URL. They carry the payload and change only with the hot set.
 * - GATE rules, a few fixed ones at the higher {@link GATE_PRIORITY}: `allow` for each
 *   served resource type unless the request's initiator is a site known to admit `data:`
 *   (site-safety.ts). A higher-priority allow wins over a redirect (DNR rule evaluation:
 *   priority first), so a request from any unknown or unsafe site goes to the network
 *   untouched, and a change of the safe list rewrites only these small rules.
 *
 * Gate matching, and what it means:
 * - `initiatorDomains`/`excludedInitiatorDomains` match a domain AND its subdomains, and
 *   exclusion wins. Excluding `example.com` also lets `x.example.com` be served, so observed
 *   unsafe subdomains of a safe host get an extra allow rule ({@link GATE_OVERRIDE_RULE_IDS})
 *   with them as `initiatorDomains`. A never-observed subdomain of a safe host is served:
 *   the remaining risk of host-granular DNR conditions.
 * - A request without an initiator (browser-initiated, typed navigation) matches no
 *   excluded domain, so the gate allows it: never served. Only subresources are redirected
 *   anyway (no frame types).
 * - Requests forwarded by a page's service worker reach DNR as `xmlhttprequest` with tab -1
 *   (platform-notes.md): rules have no tab condition, and since such a request may carry any
 *   kind of asset, the `xmlhttprequest` gate excludes only hosts safe for every destination.
 */
import type { AssetType } from '../../../core/admission/asset-type.ts';
import { classifyContentType } from '../../../core/admission/asset-type.ts';
import type { CspDestination } from '../../../core/serving/csp.ts';
import type { ResponseAccess } from '../../../core/serving/network-refusal.ts';
import { buildDataUrl, dataUrlMediaType, fitsDataUrl } from '../../../core/serving/data-url.ts';
import type { RuleSetDiff } from '../../../core/serving/hot-set.ts';
import type { GateHosts } from '../../../core/serving/site-safety.ts';
import type { DnrResourceType, DnrRule, DnrRuleUpdate } from './types.ts';
import { buildUrlRegex, exactUrlFilter, type DroppedUrl, type UrlRegexLimits } from './url-regex.ts';

/** Priority of redirect rules. */
export const REDIRECT_PRIORITY = 1;
/** Priority of gate rules: above every redirect. */
export const GATE_PRIORITY = 2;

/** The resource types we may redirect, each with a gate. */
export type GatedResourceType = 'script' | 'stylesheet' | 'font' | 'image' | 'xmlhttprequest';

/** The destinations a host must be safe for before a request of that type from it is served. */
export const GATE_REQUIREMENTS: Readonly<Record<GatedResourceType, readonly CspDestination[]>> = Object.freeze({
  script: ['script'],
  stylesheet: ['style'],
  font: ['font'],
  image: ['image'],
  // fetch()/XHR from the page (connect-src), or any subresource its service worker forwards.
  xmlhttprequest: ['connect', 'script', 'style', 'font', 'image'],
});

/** Gate rule ids, in the fixed range 1..99 (hot-set.ts `FIXED_RULE_IDS`). */
export const GATE_ALLOW_RULE_IDS: Readonly<Record<GatedResourceType, number>> = Object.freeze({
  script: 1,
  stylesheet: 2,
  font: 3,
  image: 4,
  xmlhttprequest: 5,
});
/** Ids of the rules that re-allow unsafe subdomains of safe hosts. */
export const GATE_OVERRIDE_RULE_IDS: Readonly<Record<GatedResourceType, number>> = Object.freeze({
  script: 11,
  stylesheet: 12,
  font: 13,
  image: 14,
  xmlhttprequest: 15,
});
/** Every id a gate update replaces (removing an id that is not installed is not an error). */
export const GATE_RULE_IDS: readonly number[] = Object.freeze([...Object.values(GATE_ALLOW_RULE_IDS), ...Object.values(GATE_OVERRIDE_RULE_IDS)]);

const GATED_TYPES = Object.keys(GATE_ALLOW_RULE_IDS) as GatedResourceType[];

/**
 * The resource types a redirect rule covers for URLs whose origin sent `access`, or none when
 * some request DNR would answer is one the network refuses (network-refusal.ts). A `data:`
 * response passes the CORS and CORP checks the origin's response is put to, and a DNR condition
 * sees neither a request's mode nor its credentials, so:
 * - without `Access-Control-Allow-Origin: *`: nothing. DNR cannot tell a `crossorigin`
 *   script/style/image tag (which fails CORS on the network) from a plain one;
 * - with a restrictive `Cross-Origin-Resource-Policy`: nothing (every no-cors load from
 *   another origin is refused on the network);
 * - otherwise the kind's own type only; fonts are always fetched in CORS mode without
 *   credentials (CSS Fonts 4 §4.8.2), which a wildcard admits.
 * Never `xmlhttprequest` (fetch()/XHR, and the loads a page's service worker forwards): a
 * credentialed CORS request fails against a wildcard on the network, yet a rule answers it, and
 * no DNR condition sees credentials. Measured (Chromium 156, a listed file served by a rule,
 * site B): `fetch(url, { credentials: 'include' })` was refused without PeerCache and read the
 * file with it. So wasm, only ever fetched, is not served by rule either.
 *
 * What remains: `<script crossorigin="use-credentials">` (or a style or image tag so marked) is
 * a `script` request like any other and is answered, where the network refuses it. It only turns
 * a failing load of a popular file into a working one (no history: the file is popular), but it
 * tells the page that PeerCache holds the file; no page loads a public library that way.
 */
export function redirectResourceTypes(kind: AssetType, access: ResponseAccess): DnrResourceType[] {
  if (!access.corsAnyOrigin || access.corp) return [];
  switch (kind) {
    case 'script':
      return ['script'];
    case 'style':
      return ['stylesheet'];
    case 'image':
      return ['image'];
    case 'font':
      return ['font'];
    case 'wasm':
      return [];
  }
}

/**
 * What a redirect rule is built from: URLs whose own bindings agree on the content type and on
 * what the origin sent (`access`). The bytes must already have passed `checkDataUrlServable`.
 */
export interface RedirectRuleSource extends ResponseAccess {
  /** URLs bound to the asset, most important first. */
  urls: readonly string[];
  /** The content type these URLs are served with (their bindings', not the blob's). */
  contentType: string;
  body: Uint8Array;
  /** Only requests from pages of these sites (and their subdomains, as DNR matches them). */
  sites?: readonly string[];
}

/** Why no redirect rule could be built. */
export type RedirectRefusal = 'unsupported-type' | 'too-large' | 'not-exact' | 'no-usable-url' | 'missing-source';

/** A rule (with the URLs it covers) or a refusal; `dropped` lists URLs left out either way. */
export type RedirectRuleResult =
  | { readonly ok: true; readonly rule: DnrRule; readonly urls: readonly string[]; readonly dropped: readonly DroppedUrl[] }
  | { readonly ok: false; readonly reason: RedirectRefusal; readonly dropped: readonly DroppedUrl[] };

/** One redirect rule: GET requests of the asset's resource types for any of its URLs -> `data:`. */
export function buildRedirectRule(id: number, source: RedirectRuleSource, limits: Partial<UrlRegexLimits> = {}): RedirectRuleResult {
  const kind = classifyContentType(source.contentType);
  const mediaType = dataUrlMediaType(source.contentType);
  if (kind === null || mediaType === null) return { ok: false, reason: 'unsupported-type', dropped: [] };
  if (!fitsDataUrl(source.body.length, mediaType)) return { ok: false, reason: 'too-large', dropped: [] };
  const resourceTypes = redirectResourceTypes(kind, source);
  if (resourceTypes.length === 0) return { ok: false, reason: 'not-exact', dropped: [] };
  const built = buildUrlRegex(source.urls, limits);
  let { kept, dropped } = built;
  let match: { regexFilter: string } | { urlFilter: string };
  if (built.regex !== null) {
    match = { regexFilter: built.regex };
  } else {
    // No URL fits a regex: the first one too long for it gets an exact urlFilter instead.
    const long = dropped.find((d) => d.reason === 'regex-budget' && exactUrlFilter(d.url) !== null);
    if (!long) return { ok: false, reason: 'no-usable-url', dropped };
    match = { urlFilter: exactUrlFilter(long.url) as string };
    kept = [long.url];
    dropped = dropped.filter((d) => d !== long);
  }
  return {
    ok: true,
    rule: {
      id,
      priority: REDIRECT_PRIORITY,
      action: { type: 'redirect', redirect: { url: buildDataUrl(source.body, mediaType) } },
      condition: {
        ...match,
        // The default is case-INsensitive (Chrome 118+); URLs differing in case are other URLs.
        isUrlFilterCaseSensitive: true,
        resourceTypes,
        // Only GET: a redirected POST would drop its body, and HEAD wants no body.
        requestMethods: ['get'],
        ...(source.sites?.length ? { initiatorDomains: [...source.sites] } : {}),
      },
    },
    urls: kept,
    dropped,
  };
}

/**
 * The gate rules for the current safe hosts. `hostsFor` is typically
 * `(ds) => siteSafety.gateHosts(ds)`. With no safe host a gate rule has no exclusion and
 * allows everything of its type; an override rule exists only when it has domains (DNR
 * rejects an empty `initiatorDomains`).
 */
export function buildGateRules(hostsFor: (destinations: readonly CspDestination[]) => GateHosts): DnrRule[] {
  const rules: DnrRule[] = [];
  for (const type of GATED_TYPES) {
    const hosts = hostsFor(GATE_REQUIREMENTS[type]);
    rules.push({
      id: GATE_ALLOW_RULE_IDS[type],
      priority: GATE_PRIORITY,
      action: { type: 'allow' },
      condition: { resourceTypes: [type], ...(hosts.safe.length > 0 ? { excludedInitiatorDomains: [...hosts.safe] } : {}) },
    });
    if (hosts.safe.length > 0 && hosts.unsafeSubdomains.length > 0) {
      rules.push({
        id: GATE_OVERRIDE_RULE_IDS[type],
        priority: GATE_PRIORITY,
        action: { type: 'allow' },
        condition: { resourceTypes: [type], initiatorDomains: [...hosts.unsafeSubdomains] },
      });
    }
  }
  return rules;
}

/** One batched update for a hot-set change, and what it leaves installed. */
export interface HotSetUpdate {
  update: DnrRuleUpdate;
  /** `diff.next` minus the refused keys: the installed map once the update succeeds. */
  installed: Map<string, number>;
  /** Per added asset: the URLs its rule covers. */
  covered: Map<string, readonly string[]>;
  refused: Array<{ key: string; reason: RedirectRefusal }>;
  dropped: Array<{ key: string } & DroppedUrl>;
}

/**
 * Turns a hot-set diff into ONE `updateSessionRules` argument (each update costs more as
 * the payload grows: batch, platform-notes.md). A key of `diff.add` without a source (its
 * bytes are gone) is refused as `missing-source`. With `gateRules`, the gate is replaced in the
 * same batch (the Chromium plan always does, chromium-plan.ts).
 */
export function buildHotSetUpdate(input: {
  diff: RuleSetDiff;
  sources: ReadonlyMap<string, RedirectRuleSource>;
  gateRules?: readonly DnrRule[];
  limits?: Partial<UrlRegexLimits>;
}): HotSetUpdate {
  const { diff, sources, gateRules, limits } = input;
  const installed = new Map(diff.next);
  const addRules: DnrRule[] = [];
  const covered = new Map<string, readonly string[]>();
  const refused: HotSetUpdate['refused'] = [];
  const dropped: HotSetUpdate['dropped'] = [];
  for (const { key, ruleId } of diff.add) {
    const source = sources.get(key);
    const result: RedirectRuleResult = source ? buildRedirectRule(ruleId, source, limits) : { ok: false, reason: 'missing-source', dropped: [] };
    for (const d of result.dropped) dropped.push({ key, ...d });
    if (result.ok) {
      addRules.push(result.rule);
      covered.set(key, result.urls);
    } else {
      refused.push({ key, reason: result.reason });
      installed.delete(key);
    }
  }
  const removeRuleIds = [...diff.remove];
  if (gateRules) {
    addRules.unshift(...gateRules);
    removeRuleIds.push(...GATE_RULE_IDS);
  }
  return { update: { addRules, removeRuleIds }, installed, covered, refused, dropped };
}
