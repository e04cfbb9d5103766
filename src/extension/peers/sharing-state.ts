/**
 * Whether settings ask for LAN sharing, and why not when they do not: one answer for the
 * background (Chromium keeps no node in its service worker) and the peer service. Pure.
 */
import type { Settings } from '../../core/settings/index.ts';
import type { PeerStatus } from './peer-service.ts';

/** Whether settings ask for a libp2p node at all. */
export const wantsPeers = (s: Settings, paused: boolean): boolean => s.enabled && s.sharingMode === 'lan' && s.lanNodes.length > 0 && !paused;

/** Why no node runs, for a status without one. */
export function idleState(s: Settings, paused: boolean): PeerStatus {
  const state = !s.enabled || s.sharingMode === 'off' ? 'off' : s.lanNodes.length === 0 ? 'no-lan-node' : paused ? 'paused' : 'off';
  return { state, lanNodes: 0, peers: 0 };
}
