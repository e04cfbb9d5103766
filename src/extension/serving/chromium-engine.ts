/**
 * Chromium serving engine: declarativeNetRequest session rules redirect a hot set of verified,
 * popular assets to `data:` URLs (the only way a Chromium MV3 extension can answer a page's
 * request from its own store, platform-notes.md). One redirect rule per asset covers the URLs
 * that serve it (a few rules when one regex cannot hold them all); small "gate" rules let
 * requests from sites not known to admit `data:` (CSP) pass to the network, so a change of the
 * safe-site list never rewrites payload rules. What to install is decided by
 * chromium-plan.ts; this file gathers its facts, applies it, and learns.
 * Learning observes responses and gets their bytes from LAN peers, the page's own HTTP cache, or
 * else by fetching them once more from the extension, anonymously (refetch-queue.ts).
 * The browser comes in as {@link ChromiumHooks} (background/engine.ts hands over platform/).
 */
import { DATA_URL_MAX_BYTES } from '../../core/serving/data-url.ts';
import type { CacheContext } from '../cache/context.ts';
import { hostOf } from '../cache/context.ts';
import { mayActFor } from '../cache/site-policy.ts';
import { bindingFor } from '../cache/resolver.ts';
import type { ServingView } from '../messages.ts';
import type { ObservedResponse } from '../platform/chromium/web-request.ts';
import { assetBytes, assetOfRule, planSessionRules, type BoundUrl, type CachedAsset, type InstalledRules } from './chromium-plan.ts';
import { GATE_REQUIREMENTS } from './dnr/rules.ts';
import type { DnrRuleUpdate } from './dnr/types.ts';
import type { DocumentHeaders, EngineEnv, JsonState, ServingEngine } from './engine-types.ts';
import { createRefetchQueue, type ReadPageCache } from './refetch-queue.ts';
import { createServedStats } from './served-stats.ts';

/** The browser, as the Chromium engine uses it (platform/chromium/, platform/alarms.ts…). */
export interface ChromiumHooks {
  /** Adds and removes session rules in ONE call. */
  updateSessionRules(update: DnrRuleUpdate): Promise<void>;
  onDocumentHeaders(listener: (d: DocumentHeaders) => void): void;
  onSubresourceResponse(listener: (r: ObservedResponse) => void): void;
  /** A request our rules redirected to a `data:` URL. */
  onDataRedirect(listener: (r: { url: string; initiator?: string }) => void): void;
  /** A named wake-up that survives the service worker being stopped. */
  wakeAt(name: string, when: number): void;
  onWake(name: string, listener: () => void): void;
  /** JSON state that lives as long as the browser session (and so the session rules). */
  sessionState<T>(key: string): JsonState<T>;
  /** The extension's own, anonymous download (learning). */
  fetch: typeof fetch;
  /** A read of the HTTP cache of the page that loaded a file (learning, no download). */
  readPageCache: ReadPageCache;
  /** A monotonic clock in ms, for the update time shown in the popup. */
  clock(): number;
}

const REPLAN_ALARM = 'peercache-replan';

/**
 * What a plan left in force, kept in session storage: the session rules live exactly as long as
 * it (the browser session), so a restarted service worker reads here what is installed.
 */
interface SessionRuleState extends InstalledRules {
  /** The hosts the gate rules let through, per gate, as the popup shows them. */
  safeHosts?: Record<string, readonly string[]>;
  /** The site-safety facts the gate rules were built from (see `gateFacts`). */
  gateFacts?: string;
  lastUpdate?: ServingView['lastUpdate'];
}

/** Starts the engine; call synchronously at the background's top level (listeners). */
export function createChromiumEngine(env: EngineEnv, hooks: ChromiumHooks): ServingEngine {
  const stored = hooks.sessionState<SessionRuleState>('dnrRuleState');
  let state: SessionRuleState | undefined;
  /** Whether a plan of this browser session is in force (its state was found or written). */
  let planned = false;
  const urlSize = new Map<string, number>();
  let bytes: ReturnType<typeof assetBytes> | undefined;
  let planning: Promise<void> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Resolves when the scheduled (debounced) plan has been applied. */
  let scheduled: Promise<void> = Promise.resolve();
  let release: (() => void) | undefined;
  /** Per destination, the safe hosts of the gate rules in force (not merely observed). */
  let appliedSafeHosts: Record<string, readonly string[]> = {};
  let lastUpdate: ServingView['lastUpdate'];
  /** Resolves once the engine knows whether this session's rules are in force (see the end). */
  let startup: Promise<void> = Promise.resolve();

  const loadState = async (): Promise<SessionRuleState> => {
    if (!state) {
      const saved = await stored.read();
      // A plan may have finished while this read was pending.
      if (!state) {
        planned = saved !== undefined;
        state = saved ?? { assets: {} };
        appliedSafeHosts = state.safeHosts ?? {};
        lastUpdate = state.lastUpdate;
        for (const a of Object.values(state.assets)) for (const u of a.urls) urlSize.set(u, a.size);
      }
    }
    return state;
  };

  /**
   * The site-safety facts the gate rules are built from, per gated type. A change of site
   * safety re-plans only when these differ from the ones in force: the store also reports the
   * moment it has loaded, which a restarted worker must not take for a change.
   */
  const gateFacts = (): string => JSON.stringify(Object.values(GATE_REQUIREMENTS).map((d) => env.safety.gateHosts(d)));

  const stats = createServedStats({ cache: env.cache, log: env.log });

  const refetch = createRefetchQueue({
    env,
    fetch: hooks.fetch,
    sightings: hooks.sessionState('learningSightings'),
    readPageCache: hooks.readPageCache,
    pageCacheMiss: hooks.sessionState('pageCacheMissAt'),
  });

  // Listeners at top level, synchronously: the service worker may have been woken by them.
  hooks.onDocumentHeaders((d) => env.safety.documentHeaders(d.tabId, d.frameId, d.url, d.responseHeaders));
  hooks.onSubresourceResponse((r) => {
    // Our own re-fetch shows up here too (no initiator); so do loads no page made. Our reads of a
    // page's cache carry the page as initiator: the queue knows them.
    if (!r.initiator || !r.initiator.startsWith('https://') || r.method !== 'GET') return;
    refetch.consider({
      url: r.url, method: r.method, status: r.statusCode, responseHeaders: r.responseHeaders, initiator: r.initiator,
      type: r.type, fromCache: r.fromCache, ...(r.request ? { request: r.request } : {}),
      // A page service worker's requests come as tabId -1: no document to read in.
      ...(r.documentId && r.tabId >= 0 ? { document: { tabId: r.tabId, documentId: r.documentId } } : {}),
    });
  });
  hooks.onDataRedirect((r) => {
    const host = hostOf(r.initiator);
    if (!host) return;
    void loadState().then(() => {
      const size = urlSize.get(r.url);
      if (size !== undefined) stats.served(host, size);
    });
  });
  hooks.onWake(REPLAN_ALARM, () => engine.refresh());
  env.safety.onChange(() => {
    void loadState().then((s) => {
      if (!planned || s.gateFacts !== gateFacts()) engine.refresh();
    });
  });

  /** The cached assets small enough for `data:`, each with the URLs whose own binding names it. */
  async function cachedAssets(ctx: CacheContext): Promise<CachedAsset[]> {
    const assets: CachedAsset[] = [];
    for (const meta of await ctx.store.blobs.list()) {
      if (meta.size > DATA_URL_MAX_BYTES) continue;
      // Every URL bound to these bytes (listed, this browser's observations, the group's while
      // policy trusts it), each judged by its own binding; a URL whose best binding names other
      // bytes (an observation beats a group claim) is not this asset's.
      const urls = new Set(ctx.hashList.urlsFor(meta.mh));
      for (const b of await ctx.store.bindings.forHash(meta.mh)) if (b.source !== 'list') urls.add(b.url);
      const bound: BoundUrl[] = [];
      for (const url of urls) {
        const b = await bindingFor(ctx, url);
        if (b?.key === meta.mh) bound.push({ url, ...b });
      }
      assets.push({ mh: meta.mh, size: meta.size, useCount: meta.useCount, lastUsedAt: meta.lastUsedAt, urls: bound });
    }
    return assets;
  }

  async function plan(): Promise<void> {
    const ctx = await env.cache();
    const current = await loadState();
    const settings = ctx.settings();
    bytes ??= assetBytes(async (mh) => (await ctx.store.blobs.get(mh, { touch: false }))?.bytes);
    const facts = gateFacts();
    const plan = await planSessionRules(
      {
        assets: settings.enabled && settings.cacheEnabled ? await cachedAssets(ctx) : [],
        settings,
        now: ctx.now(),
        installed: current,
        gateHosts: (destinations) => env.safety.gateHosts(destinations),
        mayActFor: (host) => mayActFor(ctx, host),
      },
      bytes,
    );
    for (const { key, reason } of plan.refused) env.log(`no rule for ${key}: ${reason}`);
    const t0 = hooks.clock();
    await hooks.updateSessionRules(plan.update);
    const { addRules } = plan.update;
    const payloadBytes = addRules.reduce((n, r) => n + (r.action.type === 'redirect' && 'url' in r.action.redirect ? r.action.redirect.url.length : 0), 0);
    lastUpdate = { ms: Math.round((hooks.clock() - t0) * 10) / 10, rules: addRules.length, payloadBytes };
    state = { ...plan.installed, safeHosts: plan.safeHosts, gateFacts: facts, lastUpdate };
    planned = true;
    appliedSafeHosts = plan.safeHosts;
    urlSize.clear();
    for (const a of Object.values(state.assets)) for (const u of a.urls) urlSize.set(u, a.size);
    await stored.write(state);
    if (plan.nextExpiry < Infinity) hooks.wakeAt(REPLAN_ALARM, plan.nextExpiry);
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
      await startup;
      await scheduled;
      await planning;
      const s = await loadState();
      const cached = (await (await env.cache()).store.blobs.list()).length;
      return { engine: 'declarativeNetRequest', cached, servable: new Set(Object.keys(s.assets).map(assetOfRule)).size, safeHosts: appliedSafeHosts, ...(lastUpdate ? { lastUpdate } : {}) };
    },
    flushStats: stats.flush,
  };
  // The session rules outlive the service worker, which Chromium stops after 30 s idle and starts
  // again for the next page's request: a plan then would read and hash every cached asset while
  // that page loads (bench pageLoad). Plan at start only when this browser session has none.
  startup = loadState().then(() => {
    if (!planned) engine.refresh();
  });
  return engine;
}
