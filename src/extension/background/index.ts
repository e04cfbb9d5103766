/**
 * The background: it only wires (style.md). Chromium runs it as a service worker, Firefox as
 * an event page; both may stop it when idle and start it again for the next event, so every
 * listener is registered synchronously during this first run of the script.
 */
import { networkState } from '../../core/metered.ts';
import type { Settings } from '../../core/settings/index.ts';
import { hostOf, type CacheContext } from '../cache/context.ts';
import { checkDeclaredIntegrity } from '../cache/integrity-report.ts';
import { createLearner, type Learner } from '../cache/learner.ts';
import { openCache } from '../cache/open-cache.ts';
import { createPausedSites, type PausedSites } from '../cache/paused-sites.ts';
import { mayActFor } from '../cache/site-policy.ts';
import { isRequest, toView, type Counters, type MessageHandlers } from '../messages.ts';
import { onUserInstall, openOptionsPage } from '../platform/capabilities.ts';
import { connectionHints, onConnectionChange } from '../platform/connection.ts';
import { jsonState, localArea } from '../platform/local-state.ts';
import { serveMessages } from '../platform/messaging.ts';
import { rememberedPolicy, settingsStorage } from '../platform/settings-storage.ts';
import { restrictStorage } from '../platform/storage-access.ts';
import { movedSecret } from '../secrets/secret-settings.ts';
import { extensionSecrets } from '../secrets/secret-store.ts';
import { registerEngine } from './engine.ts';
import { loadHashList } from './hash-list-loader.ts';
import { createPeerLink } from './peer-link.ts';
import { createPeerLocalState } from './peer-local-state.ts';
import { createPolicyMemory } from './policy-memory.ts';
import { createSettingsService } from './settings-service.ts';
import { createSiteSafetyStore } from './site-safety-store.ts';
import { statusOf } from './status.ts';
import { applyPackagedRules } from '../platform/packaged-ruleset.ts';
import { packagedSiteRules } from '../serving/dnr/site-exclusion.ts';

const startedAt = Date.now();
const log = (line: string): void => console.warn(`PeerCache: ${line}`);
// Before anything is read or written: content scripts need neither storage.local nor the
// policy in storage.managed, which may hold the group key (SECURITY.md).
void restrictStorage().then((areas) => {
  for (const [area, access] of Object.entries(areas)) if (access !== 'extension-only') log(`storage.${area} stays readable by content scripts: ${access}`);
});
const settings = createSettingsService({ storage: settingsStorage, log });
const pausedState = jsonState<string[]>('local', 'pausedSites');
// What colleagues' documents showed of a site's CSP counts only inside a trusted group, from
// minLanPeers members on (core/serving/group-site-safety.ts); until the settings are known, not at all.
let groupSiteSafetyMembers = Infinity;
settings.subscribe((m) => (groupSiteSafetyMembers = m.values.trustGroupBindings && m.values.groupKey !== '' ? m.values.minLanPeers : Infinity));
const safety = createSiteSafetyStore({
  state: jsonState('local', 'siteSafety'), frameState: jsonState('session', 'documentsAwaitingReport'),
  groupState: jsonState('local', 'groupSiteSafety'), minMembers: () => groupSiteSafetyMembers, now: Date.now, log,
});

// The user's paused sites: read once, without opening the cache (the packaged rules need them at start).
const pausedSites: Promise<PausedSites> = pausedState.read().then((saved) => createPausedSites(saved, (list) => pausedState.write(list)));

// The cache opens once, on first need; it is handed out once the settings it obeys are known.
let cacheOpening: Promise<{ ctx: CacheContext; learner: Learner; paused: PausedSites }> | undefined;
function cache(): Promise<{ ctx: CacheContext; learner: Learner; paused: PausedSites }> {
  cacheOpening ??= (async () => {
    // The store and the public list open while the settings are read, not after: Firefox answers
    // the requests of the page that woke its event page only once all three are in.
    // (The context reads both only once it is returned, below, when both are known.)
    let current: Settings | undefined;
    const opening = openCache({ settings: () => current!, pausedSites: () => paused.list(), loadHashList, log });
    opening.catch(() => undefined); // its failure is the caller's, awaited below: not an unhandled rejection meanwhile
    current = (await settings.current()).values;
    settings.subscribe((m) => {
      current = m.values;
      engine.refresh();
    });
    const paused = await pausedSites;
    const ctx = await opening;
    return {
      ctx,
      learner: createLearner(ctx, () => {
        engine.refresh();
        // Colleagues' browsers hear of it within seconds (the LAN node fetches and announces it).
        peers.learned();
      }),
      paused,
    };
  })();
  return cacheOpening;
}

// Read synchronously by Firefox's blocking listeners; kept current by the settings service.
let maxAssetBytes = 0;
settings.subscribe((m) => (maxAssetBytes = m.values.maxAssetMB * 1024 * 1024));
// The policy in force, shown by the options page and popup of a later start until Chromium
// answers storage.managed (2-4 s into every start; options/settings-view.ts).
const rememberPolicy = createPolicyMemory(rememberedPolicy);
settings.subscribe((m) => void rememberPolicy(m).catch((e: unknown) => log(`settings: policy not remembered: ${String(e)}`)));

// LAN sharing: started, restarted or stopped whenever settings or the network change.
// This browser's LAN identity and the LAN node ids pinned on first use: extension storage, which
// Chromium's offscreen document cannot read, so they travel with each apply. The identity is a
// secret (whoever holds it is this member): it lives in the secret store, moved there from
// storage.local on first read (secrets/secret-settings.ts); the pins are not secret.
const peerLocal = createPeerLocalState({
  identity: movedSecret<string>({ local: localArea, secrets: extensionSecrets(), name: 'peerIdentity', log }),
  pins: jsonState<Record<string, string>>('local', 'lanNodePins'),
  log,
});
const peers = createPeerLink({ log, cache: async () => (await cache()).ctx, onStored: () => engine.refresh(), local: peerLocal, onGroupSiteSafety: (hosts, full) => safety.takeGroup(hosts, full) });
// The peer side (Chromium's offscreen document) holds no site-safety store: it is given our facts
// after each apply and each document observed, and tells the LAN nodes what changed.
const applyPeers = (values: Settings): void =>
  void peers.apply(values, networkState(connectionHints(), values).sharingPaused).then(() => peers.siteSafety(safety.ownFacts())).catch((e: unknown) => log(`LAN sharing: ${String(e)}`));
safety.onObserved(() => peers.siteSafety(safety.ownFacts()));
settings.subscribe((m) => applyPeers(m.values));
onConnectionChange(() => void settings.current().then((m) => applyPeers(m.values)));

// The packaged set's static rules answer before any of this code runs; the settings and paused
// sites reach them through dynamic rules (site-exclusion.ts), applied one update at a time.
let packagedApplied: Promise<void> = Promise.resolve();
const applyPackaged = (): void => {
  packagedApplied = packagedApplied
    .then(async () => applyPackagedRules(packagedSiteRules((await settings.current()).values, (await pausedSites).list())))
    .catch((e: unknown) => log(`packaged rules: ${String(e)}`));
};
settings.subscribe(() => applyPackaged());
applyPackaged();

const engine = registerEngine({
  cache: async () => (await cache()).ctx,
  learner: async () => (await cache()).learner,
  peers,
  safety,
  maxAssetBytes: () => maxAssetBytes,
  log,
});

const ZERO: Counters = { servedRequests: 0, bytesSaved: 0, learnBytes: 0, pageCacheBytes: 0, lanBytesIn: 0, lanBytesOut: 0 };

const handlers: MessageHandlers = {
  'ui-bg-get-settings': async () => toView(await settings.current()),
  'ui-bg-set-setting': async ({ name, value }) => {
    const r = await settings.set(name, value);
    return r.ok ? { ok: true, view: toView(r.settings) } : r;
  },
  'ui-bg-get-status': async () => statusOf(await settings.current(), startedAt, connectionHints(), await peers.status().catch(() => undefined)),
  'ui-bg-get-stats': async () => {
    const { ctx } = await cache();
    await engine.flushStats();
    const summary = await ctx.store.stats.summary();
    return { total: summary.total, perSite: summary.perSite, daily: await ctx.store.stats.daily(14) };
  },
  'ui-bg-clear-cache': async () => {
    const { ctx } = await cache();
    const removed = (await ctx.store.blobs.list()).length;
    // Bytes and what binds URLs to them go together; stats stay (they are the user's record).
    await ctx.store.blobs.clear();
    await ctx.store.bindings.clear();
    engine.refresh();
    return { removed };
  },
  'ui-bg-get-site': async ({ url }) => siteView(url),
  'ui-bg-set-site-paused': async ({ url, paused }) => {
    const host = hostOf(url);
    if (host) {
      await (await cache()).paused.set(host, paused);
      engine.refresh();
      applyPackaged();
    }
    return siteView(url);
  },
  'ui-bg-get-serving': () => engine.view(),
  'ui-bg-forget-lan-node-ids': () => peers.forgetLanNodeIds(),
  'os-bg-blocks-stored': async () => engine.refresh(),
  'os-bg-lan-node-pinned': ({ address, peerId }) => peerLocal.pin(address, peerId),
  'os-bg-group-site-safety': async ({ hosts, full }) => safety.takeGroup(hosts, full),
  'cs-bg-page-report': async ({ metaCsp, integrity }, sender) => {
    if (!sender.url || sender.tabId === undefined) return;
    safety.pageReport(sender.tabId, sender.frameId ?? 0, sender.url, metaCsp);
    if (integrity.length === 0) return;
    const { ctx } = await cache();
    if ((await checkDeclaredIntegrity(ctx, sender.url, integrity)).dropped > 0) engine.refresh();
  },
};

async function siteView(url: string): Promise<Awaited<ReturnType<MessageHandlers['ui-bg-get-site']>>> {
  const { ctx, paused } = await cache();
  const host = hostOf(url);
  await engine.flushStats();
  const summary = await ctx.store.stats.summary();
  return {
    host,
    active: !!host && url.startsWith('https:') && mayActFor(ctx, host),
    paused: !!host && paused.list().includes(host),
    stats: (host && summary.perSite[host]) || ZERO,
  };
}

serveMessages(handlers, isRequest);
settingsStorage.onChange(() => void settings.reload());
// A new user first sees what PeerCache does and its few switches.
onUserInstall(() => void openOptionsPage());
// Every listener is registered by now, in this first run of the script. User Timing marks, read
// by bench/startup.bench.ts (and visible to anyone profiling the background in DevTools): from
// the first mark on, events reach the background; from the second, it answers with settings known.
performance.mark('peercache:listeners-registered');
void settings.current().then(() => performance.mark('peercache:settings-known'));
