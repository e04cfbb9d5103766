/**
 * Chromium's offscreen document: home of the libp2p node (WebRTC exists here). It opens the
 * same IndexedDB store as the background, once, with the settings the background sends, and
 * does what the background asks (handlers.ts).
 */
import { openCache } from '../cache/open-cache.ts';
import { loadHashList } from '../background/hash-list-loader.ts';
import { createPeerService } from '../peers/peer-service.ts';
import { notifyBackground, serveBackgroundRequests } from '../platform/chromium/offscreen.ts';
import { createOffscreenHandlers } from './handlers.ts';

const log = (line: string): void => console.warn(`PeerCache peers: ${line}`);

serveBackgroundRequests(
  createOffscreenHandlers({
    // The peer service decides nothing per site: no paused sites here.
    openCache: (settings) => openCache({ settings, pausedSites: () => [], loadHashList, log }),
    createPeerService,
    onStored: () => notifyBackground({ type: 'os-bg-blocks-stored' }),
    onPinned: (address, peerId) => notifyBackground({ type: 'os-bg-lan-node-pinned', address, peerId }),
    onGroupSiteSafety: (hosts, full) => notifyBackground({ type: 'os-bg-group-site-safety', hosts, full }),
    log,
  }),
);
