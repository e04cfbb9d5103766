/**
 * Chromium serving engine: declarativeNetRequest session rules redirect a hot set of verified,
 * popular assets to `data:` URLs (the only way a Chromium MV3 extension can answer a page's
 * request from its own store, platform-notes.md). One redirect rule per asset covers the URLs
 * that serve it (a few rules when one regex cannot hold them all); small "gate" rules let
 * requests from sites not known to admit `data:` (CSP) pass to the network, so a change of the
 * safe-site list never rewrites payload rules.
 * Learning observes responses and fetches the bytes once more from the extension, anonymously.
 */
import { checkDataUrlServable } from '../../core/serving/asset-checks.ts';
import { DATA_URL_MAX_BYTES } from '../../core/serving/data-url.ts';
import { chooseHotSet, diffRuleSets, usageScore, type HotSetCandidate } from '../../core/serving/hot-set.ts';
import type { ResponseAccess } from '../../core/serving/network-refusal.ts';
import type { CacheContext } from '../cache/context.ts';
import { hostOf } from '../cache/context.ts';
import { mayActFor } from '../cache/site-policy.ts';
import { bindingFor } from '../cache/resolver.ts';
import { onWake, wakeAt } from '../platform/alarms.ts';
import { updateSessionRules } from '../platform/chromium/dnr.ts';
import { onDataRedirect, onDocumentHeaders, onSubresourceResponse } from '../platform/chromium/web-request.ts';
import { jsonState } from '../platform/local-state.ts';
import { buildGateRules, buildRedirectRule, GATE_RULE_IDS } from '../serving/dnr/rules.ts';
import { groupAnswerableUrls, type AssetUrl } from '../serving/dnr/url-groups.ts';
import { splitUrlGroups } from '../serving/dnr/url-regex.ts';
import type { DnrRule } from '../serving/dnr/types.ts';
import { createRefetchQueue } from './refetch-queue.ts';
import type { ServingView } from '../messages.ts';
import type { EngineEnv, ServingEngine } from './engine-types.ts';

/** What the session rules hold, kept in session storage: it lives exactly as long as they do. */
interface RuleState {
  /**
   * rule key -> rule id, size, the URLs its rule covers, and `bound`: the type, response facts
   * and all URLs it was built from (some may not fit a rule), to notice when any changes.
   */
  assets: Record<string, { id: number; size: number; urls: string[]; bound: string }>;
}

const REPLAN_ALARM = 'peercache-replan';
/** Separates an asset's key from the number of its extra rule (never in a base64url key). */
const GROUP_MARK = '~';
const assetOf = (ruleKey: string): string => ruleKey.split(GROUP_MARK)[0]!;

export function registerEngine(env: EngineEnv): ServingEngine {
  const stored = jsonState<RuleState>('session', 'dnrRuleState');
  let state: RuleState | undefined;
  const urlSize = new Map<string, number>();
  /** Whether an asset's bytes, served as a type, may become a `data:` URL, by `<key> <type>`. */
  const servableVerdict = new Map<string, boolean>();
  /** What each candidate's rule is built from, to notice when it changes. */
  const boundOf = new Map<string, string>();
  let planning: Promise<void> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Resolves when the scheduled (debounced) plan has been applied. */
  let scheduled: Promise<void> = Promise.resolve();
  let release: (() => void) | undefined;
  /** Per destination, the safe hosts of the gate rules in force (not merely observed). */
  let appliedSafeHosts: Record<string, readonly string[]> = {};
  let lastUpdate: ServingView['lastUpdate'];

  const loadState = async (): Promise<RuleState> => {
    if (!state) {
      state = (await stored.read()) ?? { assets: {} };
      for (const a of Object.values(state.assets)) for (const u of a.urls) urlSize.set(u, a.size);
    }
    return state;
  };

  const refetch = createRefetchQueue({ env, onStored: () => engine.refresh() });

  // Listeners at top level, synchronously: the service worker may have been woken by them.
  onDocumentHeaders((d) => env.safety.documentHeaders(d.tabId, d.frameId, d.url, d.responseHeaders));
  onSubresourceResponse((r) => {
    // Our own re-fetch shows up here too; so do loads no page made.
    if (!r.initiator || !r.initiator.startsWith('https://') || r.method !== 'GET') return;
    refetch.consider({ url: r.url, method: r.method, status: r.statusCode, responseHeaders: r.responseHeaders, initiator: r.initiator });
  });
  onDataRedirect((r) => {
    const host = hostOf(r.initiator);
    void loadState().then(() => {
      const size = urlSize.get(r.url);
      if (host && size !== undefined) void env.cache().then((ctx) => ctx.store.stats.add(host, { servedRequests: 1, bytesSaved: size }));
    });
  });
  onWake(REPLAN_ALARM, () => engine.refresh());
  env.safety.onChange(() => engine.refresh());

  /** Rule candidates, by key: their asset and what their URLs' own bindings say the origin sent. */
  const candidateFacts = new Map<string, { mh: string; access: ResponseAccess }>();

  async function candidates(ctx: CacheContext): Promise<{ list: HotSetCandidate[]; nextExpiry: number }> {
    const list: HotSetCandidate[] = [];
    let nextExpiry = Infinity;
    const now = ctx.now();
    candidateFacts.clear();
    for (const meta of await ctx.store.blobs.list()) {
      if (meta.size > DATA_URL_MAX_BYTES) continue;
      // Every URL bound to these bytes (listed, this browser's observations, the group's while
      // policy trusts it), each judged by its own binding (url-groups.ts); a URL whose best
      // binding names other bytes (an observation beats a group claim) is not this asset's.
      const urls = new Set(ctx.hashList.urlsFor(meta.mh));
      for (const b of await ctx.store.bindings.forHash(meta.mh)) if (b.source !== 'list') urls.add(b.url);
      const bound: (AssetUrl & { freshUntil: number })[] = [];
      for (const url of urls) {
        const b = await bindingFor(ctx, url);
        if (b?.key === meta.mh) bound.push({ url, ...b });
      }
      const groups = groupAnswerableUrls(bound, ctx.settings());
      for (const b of bound) if (groups.some((g) => g.urls.includes(b.url))) nextExpiry = Math.min(nextExpiry, b.freshUntil);
      if (groups.length === 0) continue;
      // +1: an asset just learned (no use yet) still deserves a place when there is room.
      const score = usageScore({ useCount: meta.useCount + 1, lastUsedAt: meta.lastUsedAt }, now);
      // One regex holds only a few URLs (url-regex.ts), and URLs served as different types need
      // rules of their own: each group is a hot-set candidate (`<key>~2`…), slightly behind the
      // first when the budget is tight.
      let n = 0;
      for (const group of groups) {
        const verdictKey = `${meta.mh} ${group.type}`;
        let verdict = servableVerdict.get(verdictKey);
        if (verdict === undefined) {
          const blob = await ctx.store.blobs.get(meta.mh, { touch: false });
          verdict = !!blob && checkDataUrlServable(blob.bytes, group.type).servable;
          servableVerdict.set(verdictKey, verdict);
        }
        if (!verdict) continue;
        for (const urlGroup of splitUrlGroups(group.urls)) {
          const key = n === 0 ? meta.mh : `${meta.mh}${GROUP_MARK}${n + 1}`;
          candidateFacts.set(key, { mh: meta.mh, access: group.access });
          list.push({ key, size: meta.size, type: group.type, urls: urlGroup, score: score * (1 - n / 100) });
          // The facts are part of what a rule was built from: a change rewrites it.
          boundOf.set(key, JSON.stringify([group.type, group.access, urlGroup]));
          n++;
        }
      }
    }
    return { list, nextExpiry };
  }

  async function plan(): Promise<void> {
    const ctx = await env.cache();
    const current = await loadState();
    const s = ctx.settings();
    const chosen = s.enabled && s.cacheEnabled ? await candidates(ctx) : { list: [], nextExpiry: Infinity };
    const hot = chooseHotSet(chosen.list).chosen;
    // A rule is rewritten when what it was built from changed (a new URL bound to the same bytes).
    const changed = new Set(hot.filter((c) => current.assets[c.key] && current.assets[c.key]!.bound !== boundOf.get(c.key)).map((c) => c.key));
    const diff = diffRuleSets(new Map(Object.entries(current.assets).map(([k, a]) => [k, a.id])), hot.map((c) => c.key), { changed });
    const byKey = new Map(hot.map((c) => [c.key, c]));
    const next: RuleState = { assets: {} };
    for (const [key, a] of Object.entries(current.assets)) if (diff.next.get(key) === a.id && !changed.has(key)) next.assets[key] = a;
    const addRules: DnrRule[] = [];
    for (const { key, ruleId } of diff.add) {
      const c = byKey.get(key);
      const facts = candidateFacts.get(key);
      const blob = c && facts && (await ctx.store.blobs.get(facts.mh, { touch: false }));
      if (!c || !facts || !blob) continue;
      const built = buildRedirectRule(ruleId, { urls: c.urls, contentType: c.type, body: blob.bytes, ...facts.access });
      if (!built.ok) {
        env.log(`no rule for ${key}: ${built.reason}`);
        continue;
      }
      addRules.push(built.rule);
      next.assets[key] = { id: ruleId, size: blob.size, urls: [...built.urls], bound: boundOf.get(key)! };
    }
    // Sites PeerCache must not act on (blocked, paused, not allowed) are never let through the
    // gate, even under a safe parent domain (DNR domains match subdomains).
    const safeHosts: Record<string, readonly string[]> = {};
    const gate = buildGateRules((destinations) => {
      const hosts = env.safety.gateHosts(destinations);
      const acting = hosts.safe.filter((h) => mayActFor(ctx, h));
      safeHosts[destinations.join('+')] = acting;
      return { safe: acting, unsafeSubdomains: [...hosts.unsafeSubdomains, ...hosts.safe.filter((h) => !acting.includes(h))] };
    });
    const t0 = performance.now();
    await updateSessionRules({ addRules: [...gate, ...addRules], removeRuleIds: [...new Set([...diff.remove, ...GATE_RULE_IDS])] });
    const payloadBytes = addRules.reduce((n, r) => n + (r.action.type === 'redirect' && 'url' in r.action.redirect ? r.action.redirect.url.length : 0), 0);
    lastUpdate = { ms: Math.round((performance.now() - t0) * 10) / 10, rules: addRules.length + gate.length, payloadBytes };
    state = next;
    appliedSafeHosts = safeHosts;
    urlSize.clear();
    for (const a of Object.values(next.assets)) for (const u of a.urls) urlSize.set(u, a.size);
    await stored.write(next);
    if (chosen.nextExpiry < Infinity) wakeAt(REPLAN_ALARM, chosen.nextExpiry);
  }

  const engine: ServingEngine = {
    refresh() {
      clearTimeout(timer);
      if (!release) scheduled = new Promise((resolve) => (release = resolve));
      // Debounced and serialised: each rule update costs more as the payload grows.
      timer = setTimeout(() => {
        const done = release;
        release = undefined;
        planning = planning.then(plan).catch((e: unknown) => env.log(`serving plan failed: ${String(e)}`));
        void planning.then(done);
      }, 250);
    },
    async view() {
      // What is in force, after any plan already scheduled.
      await scheduled;
      await planning;
      const s = await loadState();
      const cached = (await (await env.cache()).store.blobs.list()).length;
      return { engine: 'declarativeNetRequest', cached, servable: new Set(Object.keys(s.assets).map(assetOf)).size, safeHosts: appliedSafeHosts, ...(lastUpdate ? { lastUpdate } : {}) };
    },
  };
  engine.refresh();
  return engine;
}
