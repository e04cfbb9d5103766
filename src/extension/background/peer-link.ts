/**
 * Chromium: the libp2p node runs in the offscreen document (no WebRTC in a service worker).
 * The document exists only while sharing is wanted; its message listener can be late after
 * creation, so a request nobody answered is sent again briefly (platform-notes.md). A request
 * the document answered with an error is not: that error is thrown (OffscreenError).
 */
import type { GroupSafeHost, SiteSafetyFact } from '../../core/serving/group-site-safety.ts';
import type { Settings } from '../../core/settings/index.ts';
import { OffscreenError, type OffscreenRequest, type OffscreenResponseOf } from '../messages.ts';
import type { PeerStatus } from '../peers/peer-service.ts';
import { closeOffscreenDocument, ensureOffscreenDocument, sendToOffscreen } from '../platform/chromium/offscreen.ts';
import { idleState, wantsPeers } from '../peers/sharing-state.ts';
import { oneAtATime, type PeerLink } from './peer-link-types.ts';
import { memoryPeerLocalState, type PeerLocalState } from './peer-local-state.ts';

const ATTEMPTS = 20;
const RETRY_MS = 100;
/** Site-safety facts gathered this long before they go to the offscreen document. */
const FACTS_AFTER_MS = 300;

async function ask<R extends OffscreenRequest>(request: R): Promise<OffscreenResponseOf<R>> {
  for (let i = 0; ; i++) {
    try {
      const reply = await sendToOffscreen(request);
      if (reply !== undefined) return reply.value;
    } catch (e) {
      // "Receiving end does not exist" while the document loads is retried; its handler's error is the answer.
      if (e instanceof OffscreenError || i >= ATTEMPTS) throw e;
    }
    if (i >= ATTEMPTS) throw new OffscreenError('the offscreen document does not answer');
    await new Promise((r) => setTimeout(r, RETRY_MS));
  }
}

/**
 * `onStored` has no use here: the offscreen document announces its stores itself
 * (`os-bg-blocks-stored`), the pins it learns (`os-bg-lan-node-pinned`, which the background
 * writes to `local`), and the group's site-safety verdicts (`os-bg-group-site-safety`, so `onGroupSiteSafety` has no use
 * here either). `local`: the identity and pins from extension storage; default in memory.
 */
export function createPeerLink(init: { log: (line: string) => void; cache?: unknown; onStored?: () => void; local?: PeerLocalState; onGroupSiteSafety?: (hosts: readonly GroupSafeHost[], full: boolean) => void }): PeerLink {
  let active = false;
  let idle: PeerStatus = { state: 'off', lanNodes: 0, peers: 0 };
  const local = init.local ?? memoryPeerLocalState(init.log);
  let last: [Settings, boolean] | undefined;
  let pendingFacts: readonly SiteSafetyFact[] = [];
  let factsTimer: ReturnType<typeof setTimeout> | undefined;
  const apply = oneAtATime(async (settings: Settings, paused: boolean) => {
    last = [settings, paused];
    active = wantsPeers(settings, paused);
    idle = idleState(settings, paused);
    if (!active) {
      await closeOffscreenDocument();
      return;
    }
    await ensureOffscreenDocument();
    await ask({ type: 'bg-os-apply', settings, paused, local: await local.read() });
  });
  return {
    apply,
    async forgetLanNodeIds() {
      await local.forgetPins();
      if (last) await apply(...last);
    },
    async status() {
      if (!active) return idle;
      // The popup shows why sharing is not running rather than a status it cannot read.
      return ask({ type: 'bg-os-status' }).catch((e: unknown): PeerStatus => ({ state: 'error', lanNodes: 0, peers: 0, error: String(e) }));
    },
    async fetch(key, contentType, maxBytes) {
      return active ? ask({ type: 'bg-os-fetch', key, contentType, maxBytes }) : 'unavailable';
    },
    async lookup(url, contentType, maxBytes) {
      return active ? ask({ type: 'bg-os-lookup', url, contentType, maxBytes }) : 'unavailable';
    },
    learned() {
      if (active) void ask({ type: 'bg-os-learned' }).catch(() => undefined);
    },
    siteSafety(facts) {
      // Every facts of this browser travel (up to 5,000 hosts): a burst of page views sends once.
      pendingFacts = facts;
      factsTimer ??= setTimeout(() => {
        factsTimer = undefined;
        if (active) void ask({ type: 'bg-os-site-safety', facts: pendingFacts }).catch(() => undefined);
      }, FACTS_AFTER_MS);
    },
  };
}
