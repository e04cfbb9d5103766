/**
 * Chromium's offscreen document: home of the libp2p node (WebRTC exists here). It opens the
 * same IndexedDB store as the background and does what the background asks.
 */
import { verifyMultihashKey } from '../../core/integrity/index.ts';
import { openStore } from '../../store/index.ts';
import { loadHashList } from '../background/hash-list-loader.ts';
import type { OffscreenRequest } from '../background/peer-link-types.ts';
import { createPeerService, type PeerService } from '../peers/peer-service.ts';
import { notifyBackground, serveBackgroundRequests } from '../platform/chromium/offscreen.ts';

const log = (line: string): void => console.warn(`PeerCache peers: ${line}`);
let maxCacheBytes = 512 * 1024 * 1024;

const ready: Promise<PeerService> = (async () => {
  const [store, hashList] = await Promise.all([
    openStore({ verify: (b, k) => verifyMultihashKey(b, k), now: Date.now, maxCacheBytes: () => maxCacheBytes, onCorrupt: (t, k, r) => log(`dropped ${t} ${String(k)}: ${r}`) }),
    loadHashList(),
  ]);
  return createPeerService({ store, hashList, log, onStored: () => notifyBackground('os-bg-blocks-stored') });
})();

serveBackgroundRequests((m) => {
  const request = m as unknown as OffscreenRequest;
  switch (request.type) {
    case 'bg-os-apply':
      maxCacheBytes = request.settings.maxCacheMB * 1024 * 1024;
      return ready.then((p) => p.apply(request.settings, request.paused)).then(() => true);
    case 'bg-os-status':
      return ready.then((p) => p.status());
    case 'bg-os-fetch':
      return ready.then((p) => p.fetch(request.key, request.contentType, request.maxBytes));
    case 'bg-os-lookup':
      return ready.then((p) => p.lookup(request.url, request.contentType, request.maxBytes));
    case 'bg-os-learned':
      return ready.then((p) => p.learned()).then(() => true);
    default:
      return undefined;
  }
});
