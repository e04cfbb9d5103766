/**
 * The Chromium engine's decision (pure: chromium-engine.ts gathers the facts and applies the
 * result): which cached assets get a `data:` redirect session rule, for which of their URLs,
 * and which sites the gate lets through. Given the cached assets, each URL's own binding, the
 * settings, the sites known to admit `data:` and the rules in force, it returns ONE
 * `updateSessionRules` argument and what it leaves installed.
 *
 * - URLs: only those that may be answered to any site (url-groups.ts: the URL's own listing or
 *   LAN popularity, `Access-Control-Allow-Origin: *`, no restrictive CORP, a served type),
 *   grouped by type and origin facts, split into groups one regex holds (url-regex.ts).
 * - Bytes: only what stays the same resource as a `data:` URL (asset-checks.ts: no relative
 *   URLs in CSS, no module syntax in JS, small enough).
 * - Hot set: the most used within the rule and payload budgets (core/serving/hot-set.ts); a
 *   rule keeps its id while what it was built from is unchanged, and is rewritten when not.
 * - Gate: requests from a host not known to admit `data:`, or one PeerCache must not act for
 *   (blocked, paused, not allowed), go to the network (rules.ts, `buildGateRules`).
 */
import { checkDataUrlServable } from '../../core/serving/asset-checks.ts';
import type { CspDestination } from '../../core/serving/csp.ts';
import { chooseHotSet, diffRuleSets, usageScore, type HotSetCandidate } from '../../core/serving/hot-set.ts';
import type { ResponseAccess } from '../../core/serving/network-refusal.ts';
import type { GateHosts } from '../../core/serving/site-safety.ts';
import type { Settings } from '../../core/settings/index.ts';
import { buildGateRules, buildHotSetUpdate, type RedirectRefusal, type RedirectRuleSource } from './dnr/rules.ts';
import type { DnrRuleUpdate } from './dnr/types.ts';
import { groupAnswerableUrls, type AssetUrl } from './dnr/url-groups.ts';
import { splitUrlGroups } from './dnr/url-regex.ts';

/** One URL bound to a cached asset's bytes, with its own binding's facts. */
export interface BoundUrl extends AssetUrl {
  /** End of the binding's freshness (Infinity for listed URLs): the plan is redone then. */
  readonly freshUntil: number;
}

/** A cached asset, as the plan sees it. */
export interface CachedAsset {
  /** Its multihash key. */
  readonly mh: string;
  readonly size: number;
  readonly useCount: number;
  readonly lastUsedAt: number;
  /** Every URL whose own best binding names these bytes (listed, observed, the group's). */
  readonly urls: readonly BoundUrl[];
}

/**
 * The session rules in force, by rule key (an asset's key, `<key>~2`… for its further rules):
 * rule id, the asset's size, the URLs the rule covers, and `bound`, what it was built from
 * (type, origin facts, URLs), to notice when any of that changes.
 */
export interface InstalledRules {
  assets: Record<string, { id: number; size: number; urls: string[]; bound: string }>;
}

/** Reads an asset's bytes, and says (remembered) whether they may become a `data:` URL. */
export interface AssetBytes {
  get(mh: string): Promise<Uint8Array | undefined>;
  servableAs(mh: string, type: string): Promise<boolean>;
}

/** Everything the plan decides from. */
export interface PlanInput {
  readonly assets: readonly CachedAsset[];
  readonly settings: Pick<Settings, 'enabled' | 'cacheEnabled' | 'minLanPeers' | 'requirePopular'>;
  readonly now: number;
  readonly installed: InstalledRules;
  /** The hosts known to admit `data:` for all of `destinations` (site-safety.ts). */
  gateHosts(destinations: readonly CspDestination[]): GateHosts;
  /** Whether PeerCache may act for pages of `host` (cache/site-policy.ts). */
  mayActFor(host: string): boolean;
}

/** What to hand `updateSessionRules`, and the state once it succeeded. */
export interface Plan {
  readonly update: DnrRuleUpdate;
  readonly installed: InstalledRules;
  /** Per gate (destinations joined by `+`), the hosts whose requests are served. */
  readonly safeHosts: Record<string, readonly string[]>;
  /** When the earliest binding a rule was built from goes stale (Infinity: never). */
  readonly nextExpiry: number;
  /** Rules the hot set wanted that could not be built, and why. */
  readonly refused: readonly { key: string; reason: RedirectRefusal }[];
}

/** Separates an asset's key from the number of its extra rule (never in a base64url key). */
const GROUP_MARK = '~';

/** The asset a rule key belongs to. */
export const assetOfRule = (ruleKey: string): string => ruleKey.split(GROUP_MARK)[0]!;

interface Candidate extends HotSetCandidate {
  readonly mh: string;
  readonly access: ResponseAccess;
  readonly bound: string;
  /** Only pages of these sites (url-groups.ts). */
  readonly sites?: readonly string[];
}

/** Remembers `checkDataUrlServable` verdicts per asset and type; bytes read only when asked. */
export function assetBytes(get: AssetBytes['get']): AssetBytes {
  const verdicts = new Map<string, boolean>();
  return {
    get,
    async servableAs(mh, type) {
      const key = `${mh} ${type}`;
      let verdict = verdicts.get(key);
      if (verdict === undefined) {
        const bytes = await get(mh);
        verdict = !!bytes && checkDataUrlServable(bytes, type).servable;
        verdicts.set(key, verdict);
      }
      return verdict;
    },
  };
}

async function candidates(input: PlanInput, bytes: AssetBytes): Promise<{ list: Candidate[]; nextExpiry: number }> {
  const list: Candidate[] = [];
  let nextExpiry = Infinity;
  for (const asset of input.assets) {
    const groups = groupAnswerableUrls(asset.urls, input.settings);
    for (const u of asset.urls) if (groups.some((g) => g.urls.includes(u.url))) nextExpiry = Math.min(nextExpiry, u.freshUntil);
    if (groups.length === 0) continue;
    // +1: an asset just learned (no use yet) still deserves a place when there is room.
    const score = usageScore({ useCount: asset.useCount + 1, lastUsedAt: asset.lastUsedAt }, input.now);
    // One regex holds only a few URLs (url-regex.ts), and URLs served as different types need
    // rules of their own: each group is a hot-set candidate (`<key>~2`…), slightly behind the
    // first when the budget is tight.
    let n = 0;
    for (const group of groups) {
      if (!(await bytes.servableAs(asset.mh, group.type))) continue;
      for (const urls of splitUrlGroups(group.urls)) {
        const key = n === 0 ? asset.mh : `${asset.mh}${GROUP_MARK}${n + 1}`;
        // The facts are part of what a rule was built from: a change rewrites it.
        const bound = JSON.stringify([group.type, group.access, urls, group.sites ?? []]);
        list.push({ key, mh: asset.mh, size: asset.size, type: group.type, urls, access: group.access, ...(group.sites ? { sites: group.sites } : {}), bound, score: score * (1 - n / 100) });
        n++;
      }
    }
  }
  return { list, nextExpiry };
}

/**
 * The plan for the current facts.
 *
 * @example
 * ```ts
 * const plan = await planSessionRules({ assets, settings, now, installed, gateHosts, mayActFor }, assetBytes(read));
 * await updateSessionRules(plan.update); // then keep plan.installed
 * ```
 */
export async function planSessionRules(input: PlanInput, bytes: AssetBytes): Promise<Plan> {
  const { settings, installed: current } = input;
  const chosen = settings.enabled && settings.cacheEnabled ? await candidates(input, bytes) : { list: [], nextExpiry: Infinity };
  const hot = chooseHotSet(chosen.list).chosen;
  // A rule is rewritten when what it was built from changed (a new URL bound to the same bytes).
  const changed = new Set(hot.filter((c) => current.assets[c.key] && current.assets[c.key]!.bound !== c.bound).map((c) => c.key));
  const diff = diffRuleSets(new Map(Object.entries(current.assets).map(([k, a]) => [k, a.id])), hot.map((c) => c.key), { changed });
  const byKey = new Map(hot.map((c) => [c.key, c]));
  const sources = new Map<string, RedirectRuleSource>();
  for (const { key } of diff.add) {
    const c = byKey.get(key)!;
    const body = await bytes.get(c.mh);
    if (body) sources.set(key, { urls: c.urls, contentType: c.type, body, ...c.access, ...(c.sites ? { sites: c.sites } : {}) });
  }
  // Sites PeerCache must not act on (blocked, paused, not allowed) are never let through the
  // gate, even under a safe parent domain (DNR domains match subdomains).
  const safeHosts: Record<string, readonly string[]> = {};
  const gateRules = buildGateRules((destinations) => {
    const hosts = input.gateHosts(destinations);
    const acting = hosts.safe.filter((h) => input.mayActFor(h));
    safeHosts[destinations.join('+')] = acting;
    return { safe: acting, unsafeSubdomains: [...hosts.unsafeSubdomains, ...hosts.safe.filter((h) => !acting.includes(h))] };
  });
  const built = buildHotSetUpdate({ diff, sources, gateRules });
  const next: InstalledRules = { assets: {} };
  for (const [key, id] of built.installed) {
    const urls = built.covered.get(key);
    if (urls) next.assets[key] = { id, size: byKey.get(key)!.size, urls: [...urls], bound: byKey.get(key)!.bound };
    else next.assets[key] = current.assets[key]!;
  }
  return { update: built.update, installed: next, safeHosts, nextExpiry: chosen.nextExpiry, refused: built.refused };
}
