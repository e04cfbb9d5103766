/**
 * What Chromium's offscreen document does for the background (messages.ts, OffscreenRequest):
 * it hosts the peer service. The store opens once, when the first settings arrive, so it obeys
 * their budget (`maxCacheMB`) from its first write, and then each later one's.
 */
import type { Settings } from '../../core/settings/index.ts';
import type { CacheContext } from '../cache/context.ts';
import type { OffscreenHandlers } from '../messages.ts';
import type { GroupSafeHost, SiteSafetyFact } from '../../core/serving/group-site-safety.ts';
import type { PeerService, PeerStatus } from '../peers/peer-service.ts';
import type { SiteSafetyLink } from '../peers/site-safety-sync.ts';

/** Before the background's first settings: nothing runs, so nothing is opened to say so. */
const NOT_STARTED: PeerStatus = { state: 'starting', lanNodes: 0, peers: 0 };

export function createOffscreenHandlers(deps: {
  /** Opens the store and the public list (cache/open-cache.ts); `settings` is read at each write. */
  openCache(settings: () => Settings): Promise<Pick<CacheContext, 'store' | 'hashList'>>;
  createPeerService(init: { store: CacheContext['store']; hashList: CacheContext['hashList']; log: (line: string) => void; onStored: () => void; onPinned: (address: string, peerId: string) => void; siteSafety: SiteSafetyLink }): PeerService;
  /** The peer service stored something: the background re-plans (`os-bg-blocks-stored`). */
  onStored(): void;
  /** A LAN node answered for the first time: the background keeps its id (`os-bg-lan-node-pinned`). */
  onPinned(address: string, peerId: string): void;
  /** A LAN node told the group's verdicts on sites' CSPs: the background's store takes them (`os-bg-group-site-safety`). */
  onGroupSiteSafety(hosts: readonly GroupSafeHost[], full: boolean): void;
  log(line: string): void;
}): OffscreenHandlers {
  let settings: Settings | undefined;
  // The promise is kept, not the service: applies that overlap while the store opens share one.
  let service: Promise<PeerService> | undefined;
  /** The service once the first settings made one (it may still be opening). */
  const started = (): Promise<PeerService> | undefined => service;
  /** The site-safety store lives in the background: its facts, as last sent (`bg-os-site-safety`). */
  let facts: readonly SiteSafetyFact[] = [];
  const siteSafety: SiteSafetyLink = { ownFacts: () => [...facts], takeGroup: (hosts, full) => deps.onGroupSiteSafety(hosts, full) };

  return {
    'bg-os-apply': async (r) => {
      settings = r.settings;
      const opening = (service ??= deps.openCache(() => settings as Settings).then(({ store, hashList }) =>
        deps.createPeerService({ store, hashList, log: deps.log, onStored: deps.onStored, onPinned: deps.onPinned, siteSafety }),
      ));
      // A store that failed to open is tried again with the next settings.
      const p = await opening.catch((e: unknown) => {
        if (service === opening) service = undefined;
        throw e;
      });
      await p.apply(r.settings, r.paused, r.local);
    },
    'bg-os-status': async () => (await started())?.status() ?? NOT_STARTED,
    'bg-os-fetch': async (r) => (await started())?.fetch(r.key, r.contentType, r.maxBytes) ?? 'unavailable',
    'bg-os-lookup': async (r) => (await started())?.lookup(r.url, r.contentType, r.maxBytes) ?? 'unavailable',
    'bg-os-learned': async () => (await started())?.learned(),
    'bg-os-site-safety': async (r) => {
      facts = r.facts;
      (await started())?.siteSafetyChanged();
    },
  };
}
