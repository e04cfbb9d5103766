/**
 * Chromium serving engine: declarativeNetRequest session rules redirect a hot set of verified,
 * popular assets to `data:` URLs (the only way a Chromium MV3 extension can answer a page's
 * request from its own store, platform-notes.md). One redirect rule per asset covers the URLs
 * that serve it (a few rules when one regex cannot hold them all); small "gate" rules let
 * requests from sites not known to admit `data:` (CSP) pass to the network, so a change of the
 * safe-site list never rewrites payload rules. What to install is decided by
 * chromium-plan.ts; this file gathers its facts, applies it, and learns.
 * Learning observes responses and fetches the bytes once more from the extension, anonymously.
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
import type { DnrRuleUpdate } from './dnr/types.ts';
import type { DocumentHeaders, EngineEnv, JsonState, ServingEngine } from './engine-types.ts';
import { createRefetchQueue } from './refetch-queue.ts';

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
  /** A monotonic clock in ms, for the update time shown in the popup. */
  clock(): number;
}

const REPLAN_ALARM = 'peercache-replan';

/** Starts the engine; call synchronously at the background's top level (listeners). */
export function createChromiumEngine(env: EngineEnv, hooks: ChromiumHooks): ServingEngine {
  const stored = hooks.sessionState<InstalledRules>('dnrRuleState');
  let state: InstalledRules | undefined;
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

  const loadState = async (): Promise<InstalledRules> => {
    if (!state) {
      state = (await stored.read()) ?? { assets: {} };
      for (const a of Object.values(state.assets)) for (const u of a.urls) urlSize.set(u, a.size);
    }
    return state;
  };

  const refetch = createRefetchQueue({ env, fetch: hooks.fetch, sightings: hooks.sessionState('learningSightings'), onStored: () => engine.refresh() });

  // Listeners at top level, synchronously: the service worker may have been woken by them.
  hooks.onDocumentHeaders((d) => env.safety.documentHeaders(d.tabId, d.frameId, d.url, d.responseHeaders));
  hooks.onSubresourceResponse((r) => {
    // Our own re-fetch shows up here too; so do loads no page made.
    if (!r.initiator || !r.initiator.startsWith('https://') || r.method !== 'GET') return;
    refetch.consider({ url: r.url, method: r.method, status: r.statusCode, responseHeaders: r.responseHeaders, initiator: r.initiator });
  });
  hooks.onDataRedirect((r) => {
    const host = hostOf(r.initiator);
    void loadState().then(() => {
      const size = urlSize.get(r.url);
      if (host && size !== undefined) void env.cache().then((ctx) => ctx.store.stats.add(host, { servedRequests: 1, bytesSaved: size }));
    });
  });
  hooks.onWake(REPLAN_ALARM, () => engine.refresh());
  env.safety.onChange(() => engine.refresh());

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
    const planned = await planSessionRules(
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
    for (const { key, reason } of planned.refused) env.log(`no rule for ${key}: ${reason}`);
    const t0 = hooks.clock();
    await hooks.updateSessionRules(planned.update);
    const { addRules } = planned.update;
    const payloadBytes = addRules.reduce((n, r) => n + (r.action.type === 'redirect' && 'url' in r.action.redirect ? r.action.redirect.url.length : 0), 0);
    lastUpdate = { ms: Math.round((hooks.clock() - t0) * 10) / 10, rules: addRules.length, payloadBytes };
    state = planned.installed;
    appliedSafeHosts = planned.safeHosts;
    urlSize.clear();
    for (const a of Object.values(state.assets)) for (const u of a.urls) urlSize.set(u, a.size);
    await stored.write(state);
    if (planned.nextExpiry < Infinity) hooks.wakeAt(REPLAN_ALARM, planned.nextExpiry);
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
      return { engine: 'declarativeNetRequest', cached, servable: new Set(Object.keys(s.assets).map(assetOfRule)).size, safeHosts: appliedSafeHosts, ...(lastUpdate ? { lastUpdate } : {}) };
    },
  };
  engine.refresh();
  return engine;
}
