/**
 * Firefox: the background is an event page with a DOM, so WebRTC works there and the peer
 * service runs in-process. (Firefox may suspend an idle event page; an open connection's
 * events keep it alive.)
 */
import type { CacheContext } from '../cache/context.ts';
import { createPeerService, type PeerService } from '../peers/peer-service.ts';
import { oneAtATime, type PeerLink } from './peer-link-types.ts';

export function createPeerLink(init: { log: (line: string) => void; cache?: () => Promise<CacheContext>; onStored?: () => void }): PeerLink {
  // The promise, not the service, is kept: calls that overlap while the cache opens must share
  // one service (two would run two nodes, and status would ask the one never applied).
  let service: Promise<PeerService> | undefined;
  const get = (): Promise<PeerService> =>
    (service ??= init.cache!().then((ctx) => createPeerService({ store: ctx.store, hashList: ctx.hashList, log: init.log, ...(init.onStored ? { onStored: init.onStored } : {}) })));
  return {
    apply: oneAtATime(async (settings, paused) => (await get()).apply(settings, paused)),
    status: async () => (await get()).status(),
    fetch: async (key, type, maxBytes) => (await get()).fetch(key, type, maxBytes),
    lookup: async (url, type, maxBytes) => (await get()).lookup(url, type, maxBytes),
    learned: () => void get().then((p) => p.learned()),
  };
}
