/**
 * Firefox: the background is an event page with a DOM, so WebRTC works there and the peer
 * service runs in-process. (Firefox may suspend an idle event page; an open connection's
 * events keep it alive.)
 *
 * The service, and the libp2p code it needs (most of the background's bytes), is loaded only
 * once settings ask for LAN sharing, as Chromium starts its offscreen document only then: Firefox
 * starts a suspended event page again for the next page's request, which waits for it (bench
 * pageLoad, "background suspended").
 */
import type { GroupSafeHost, SiteSafetyFact } from '../../core/serving/group-site-safety.ts';
import type { Settings } from '../../core/settings/index.ts';
import type { CacheContext } from '../cache/context.ts';
import type { PeerService, PeerStatus } from '../peers/peer-service.ts';
import { idleState, wantsPeers } from '../peers/sharing-state.ts';
import { oneAtATime, type PeerLink } from './peer-link-types.ts';
import { memoryPeerLocalState, type PeerLocalState } from './peer-local-state.ts';

/** `local`: the identity and pinned LAN node ids from extension storage (default: in memory). */
export function createPeerLink(init: {
  log: (line: string) => void;
  cache?: () => Promise<CacheContext>;
  onStored?: () => void;
  local?: PeerLocalState;
  /** The group's verdicts on sites' CSPs, for the site-safety store. */
  onGroupSiteSafety?: (hosts: readonly GroupSafeHost[], full: boolean) => void;
}): PeerLink {
  const local = init.local ?? memoryPeerLocalState(init.log);
  /** This browser's own site-safety facts, as the background last gave them. */
  let facts: readonly SiteSafetyFact[] = [];
  let last: [Settings, boolean] | undefined;
  // The promise, not the service, is kept: calls that overlap while the cache opens must share
  // one service (two would run two nodes, and status would ask the one never applied).
  let service: Promise<PeerService> | undefined;
  let idle: PeerStatus = { state: 'off', lanNodes: 0, peers: 0 };
  const get = (): Promise<PeerService> =>
    (service ??= Promise.all([init.cache!(), import(/* webpackChunkName: "peers" */ '../peers/peer-service.ts')]).then(([ctx, { createPeerService }]) =>
      createPeerService({
        store: ctx.store, hashList: ctx.hashList, log: init.log, ...(init.onStored ? { onStored: init.onStored } : {}),
        onPinned: (address, peerId) => void local.pin(address, peerId).catch((e: unknown) => init.log(`pinning ${address}: ${String(e)}`)),
        siteSafety: { ownFacts: () => [...facts], takeGroup: (hosts, full) => init.onGroupSiteSafety?.(hosts, full) },
      }),
    ));
  const apply = oneAtATime(async (settings: Settings, paused: boolean) => {
    last = [settings, paused];
    idle = idleState(settings, paused);
    // A service that runs is told to stop; none is made only to be told so.
    if (wantsPeers(settings, paused) || service) await (await get()).apply(settings, paused, await local.read());
  });
  return {
    apply,
    async forgetLanNodeIds() {
      await local.forgetPins();
      if (last) await apply(...last);
    },
    status: async () => (service ? (await service).status() : idle),
    fetch: async (key, type, maxBytes) => (service ? (await service).fetch(key, type, maxBytes) : 'unavailable'),
    lookup: async (url, type, maxBytes) => (service ? (await service).lookup(url, type, maxBytes) : 'unavailable'),
    learned: () => void service?.then((p) => p.learned()),
    siteSafety(given) {
      facts = given;
      void service?.then((p) => p.siteSafetyChanged());
    },
  };
}
