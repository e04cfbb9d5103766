import type { SiteSafetyFact } from '../../core/serving/group-site-safety.ts';
import type { Settings } from '../../core/settings/index.ts';
import type { FetchOutcome, LookupOutcome, PeerStatus } from '../peers/peer-service.ts';

/** The background's handle on LAN sharing, wherever the libp2p node runs. */
export interface PeerLink {
  apply(settings: Settings, paused: boolean): Promise<void>;
  status(): Promise<PeerStatus>;
  fetch(key: string, type: string, maxBytes: number): Promise<FetchOutcome>;
  lookup(url: string, type: string, maxBytes: number): Promise<LookupOutcome>;
  /** This browser stored something it learned: the LAN nodes are told at once. */
  learned(): void;
  /** This browser's own site-safety facts changed: the LAN nodes hear what changed (peers/site-safety-sync.ts). */
  siteSafety(facts: readonly SiteSafetyFact[]): void;
  /**
   * Forgets the LAN node ids pinned on first use and applies the last settings again, so each
   * configured address is pinned afresh to whichever node answers it next.
   */
  forgetLanNodeIds(): Promise<void>;
}

/**
 * Runs `apply` calls one at a time, in call order. Settings and network changes can arrive
 * close together; overlapping applies could both create Chromium's offscreen document (the
 * second fails and its settings are lost) or reach the peer service out of order and start two
 * nodes.
 */
export function oneAtATime<A extends unknown[]>(apply: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  return (...args) => {
    const run = last.then(() => apply(...args));
    last = run.catch(() => undefined);
    return run;
  };
}
