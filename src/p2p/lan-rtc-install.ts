/**
 * Imported for its effect, FIRST in browser-node.ts: guards RTCPeerConnection (lan-rtc.ts)
 * before libp2p's WebRTC transport module reads the global.
 */
import { installLanOnlyRtc } from './lan-rtc.ts';

installLanOnlyRtc(globalThis as { RTCPeerConnection?: typeof RTCPeerConnection });
