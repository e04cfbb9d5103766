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
import type { CacheContext } from '../cache/context.ts';
import { hostOf } from '../cache/context.ts';
import { mayActFor } from '../cache/site-policy.ts';
import { bindingFor, isPopularEnough } from '../cache/resolver.ts';
import { onWake, wakeAt } from '../platform/alarms.ts';
import { updateSessionRules } from '../platform/chromium/dnr.ts';
import { onDataRedirect, onDocumentHeaders, onSubresourceResponse } from '../platform/chromium/web-request.ts';
import { jsonState } from '../platform/local-state.ts';
import { buildGateRules, buildRedirectRule, GATE_RULE_IDS } from '../serving/dnr/rules.ts';
import { splitUrlGroups } from '../serving/dnr/url-regex.ts';
import type { DnrRule } from '../serving/dnr/types.ts';
import { createRefetchQueue } from './refetch-queue.ts';
import type { ServingView } from '../messages.ts';
import type { EngineEnv, ServingEngine } from './engine-types.ts';

/** What the session rules hold, kept in session storage: it lives exactly as long as they do. */
interface RuleState {
  /**
   * multihash key -> rule id, size, the URLs its rule covers, and `bound`: all URLs bound
   * when the rule was built (some may not fit a rule), to notice when the binding set changes.
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
  const servableVerdict = new Map<string, boolean>();
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

  /** Whether any origin may read an asset with CORS; a data: response bypasses CORS. */
  const corsAny = new Map<string, boolean>();

  async function candidates(ctx: CacheContext): Promise<{ list: HotSetCandidate[]; nextExpiry: number }> {
    const list: HotSetCandidate[] = [];
    let nextExpiry = Infinity;
    const now = ctx.now();
    for (const meta of await ctx.store.blobs.list()) {
      if (meta.size > DATA_URL_MAX_BYTES) continue;
      const listed = ctx.hashList.urlsFor(meta.mh);
      // This browser's own observations, and the group's while policy trusts it; a URL whose best
      // binding names other bytes (an observation beats a group claim) is not this asset's.
      const observed = [];
      for (const b of await ctx.store.bindings.forHash(meta.mh)) {
        if (b.source !== 'list' && !b.mustRevalidate && b.freshUntil > now && (await bindingFor(ctx, b.url))?.key === meta.mh) observed.push(b);
      }
      if (listed.length === 0 && observed.length === 0) continue;
      if (!(await isPopularEnough(ctx, meta.mh))) continue;
      let verdict = servableVerdict.get(meta.mh);
      if (verdict === undefined) {
        const blob = await ctx.store.blobs.get(meta.mh, { touch: false });
        verdict = !!blob && checkDataUrlServable(blob.bytes, blob.type).servable;
        servableVerdict.set(meta.mh, verdict);
      }
      if (!verdict) continue;
      for (const b of observed) nextExpiry = Math.min(nextExpiry, b.freshUntil);
      const anyOrigin = listed.length > 0 || observed.every((b) => b.corsAnyOrigin === true);
      // DNR cannot tell a crossorigin tag's request from a plain one: a data: response would
      // let the first succeed where the origin's (without `Access-Control-Allow-Origin: *`)
      // fails. So only assets any origin may read are served in Chromium.
      if (!anyOrigin) continue;
      corsAny.set(meta.mh, anyOrigin);
      // +1: an asset just learned (no use yet) still deserves a place when there is room.
      const score = usageScore({ useCount: meta.useCount + 1, lastUsedAt: meta.lastUsedAt }, now);
      // One regex holds only a few URLs (url-regex.ts): more URLs, more rules, each a hot-set
      // candidate of its own (`<key>~2`…), slightly behind the first when the budget is tight.
      splitUrlGroups([...listed, ...observed.map((b) => b.url)]).forEach((urls, i) => {
        list.push({ key: i === 0 ? meta.mh : `${meta.mh}${GROUP_MARK}${i + 1}`, size: meta.size, type: meta.type, urls, score: score * (1 - i / 100) });
      });
    }
    return { list, nextExpiry };
  }

  async function plan(): Promise<void> {
    const ctx = await env.cache();
    const current = await loadState();
    const s = ctx.settings();
    const chosen = s.enabled && s.cacheEnabled ? await candidates(ctx) : { list: [], nextExpiry: Infinity };
    const hot = chooseHotSet(chosen.list).chosen;
    // A rule is rewritten when its URL list changed (a new URL bound to the same bytes).
    const changed = new Set(hot.filter((c) => current.assets[c.key] && current.assets[c.key]!.bound !== c.urls.join('\n')).map((c) => c.key));
    const diff = diffRuleSets(new Map(Object.entries(current.assets).map(([k, a]) => [k, a.id])), hot.map((c) => c.key), { changed });
    const byKey = new Map(hot.map((c) => [c.key, c]));
    const next: RuleState = { assets: {} };
    for (const [key, a] of Object.entries(current.assets)) if (diff.next.get(key) === a.id && !changed.has(key)) next.assets[key] = a;
    const addRules: DnrRule[] = [];
    for (const { key, ruleId } of diff.add) {
      const c = byKey.get(key);
      const mh = assetOf(key);
      const blob = c && (await ctx.store.blobs.get(mh, { touch: false }));
      if (!c || !blob) continue;
      const built = buildRedirectRule(ruleId, { urls: c.urls, contentType: blob.type, body: blob.bytes, corsAnyOrigin: corsAny.get(mh) === true });
      if (!built.ok) {
        env.log(`no rule for ${key}: ${built.reason}`);
        continue;
      }
      addRules.push(built.rule);
      next.assets[key] = { id: ruleId, size: blob.size, urls: [...built.urls], bound: c.urls.join('\n') };
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
