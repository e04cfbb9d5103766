/**
 * Chromium: the libp2p node runs in the offscreen document (no WebRTC in a service worker).
 * The document exists only while sharing is wanted; its message listener can be late after
 * creation, so the first request is retried briefly (platform-notes.md).
 */
import type { Settings } from '../../core/settings/index.ts';
import type { FetchOutcome, LookupOutcome, PeerStatus } from '../peers/peer-service.ts';
import { closeOffscreenDocument, ensureOffscreenDocument, sendToOffscreen } from '../platform/chromium/offscreen.ts';
import { idleState, wantsPeers } from '../peers/sharing-state.ts';
import { oneAtATime, type OffscreenRequest, type PeerLink } from './peer-link-types.ts';

async function ask<T>(request: OffscreenRequest): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      const answer = await sendToOffscreen<T | undefined>(request);
      if (answer !== undefined) return answer;
    } catch (e) {
      if (i >= 20) throw e;
    }
    if (i >= 20) throw new Error('the offscreen document does not answer');
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function createPeerLink(_init: { log: (line: string) => void; cache?: unknown; onStored?: () => void }): PeerLink {
  let active = false;
  let idle: PeerStatus = { state: 'off', lanNodes: 0, peers: 0 };
  return {
    apply: oneAtATime(async (settings: Settings, paused: boolean) => {
      active = wantsPeers(settings, paused);
      idle = idleState(settings, paused);
      if (!active) {
        await closeOffscreenDocument();
        return;
      }
      await ensureOffscreenDocument();
      await ask({ type: 'bg-os-apply', settings, paused });
    }),
    async status() {
      return active ? ask<PeerStatus>({ type: 'bg-os-status' }) : idle;
    },
    async fetch(key, contentType, maxBytes) {
      return active ? ask<FetchOutcome>({ type: 'bg-os-fetch', key, contentType, maxBytes }) : 'unavailable';
    },
    async lookup(url, contentType, maxBytes) {
      return active ? ask<LookupOutcome>({ type: 'bg-os-lookup', url, contentType, maxBytes }) : 'unavailable';
    },
    learned() {
      if (active) void ask<boolean>({ type: 'bg-os-learned' }).catch(() => undefined);
    },
  };
}
