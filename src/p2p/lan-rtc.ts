/**
 * WebRTC that only ever talks to the LAN. The libp2p gater (lan-gate.ts) sees the relay address
 * of a WebRTC dial, never the ICE candidates; `iceServers: []` keeps OUR candidates to host
 * addresses, but the REMOTE candidates come over signalling from whoever dialled, and the
 * browser sends connectivity checks to any address they name. So every remote candidate whose
 * address is not a LAN address, nor an mDNS `.local` name (resolved only on the local link), is
 * dropped before the browser sees it: trickled ones and those inside a remote description.
 */
import { isLanIPv4, isLanIPv6 } from '../core/lan-address.ts';

/** The connection address of `candidate:<foundation> <component> <transport> <priority> <address> <port> typ …`. */
export function candidateAddress(candidate: string): string | undefined {
  const parts = candidate.trim().replace(/^a=/, '').split(/\s+/);
  if (!parts[0]?.startsWith('candidate:') || parts.length < 8 || parts[6] !== 'typ') return undefined;
  return parts[4];
}

/** Whether a remote candidate points into the LAN. */
export function isLanCandidate(candidate: string): boolean {
  const address = candidateAddress(candidate)?.replace(/^\[|\]$/g, '');
  if (!address) return false;
  return isLanIPv4(address) || isLanIPv6(address) || /^[0-9a-z-]{1,63}\.local$/i.test(address);
}

/** `sdp` without the candidate lines that point outside the LAN. */
export function stripNonLanCandidates(sdp: string): { sdp: string; accepted: number; refused: number } {
  let accepted = 0;
  let refused = 0;
  const kept = sdp.split(/\r\n/).filter((line) => {
    if (!line.startsWith('a=candidate:')) return true;
    if (isLanCandidate(line)) accepted++;
    else refused++;
    return isLanCandidate(line);
  });
  return { sdp: kept.join('\r\n'), accepted, refused };
}

/** Remote candidates let through and refused since start (diagnostics). */
export const remoteCandidates = { accepted: 0, refused: 0 };

const GUARDED = Symbol.for('peercache.lanOnlyRtc');

/**
 * Replaces `scope.RTCPeerConnection` by a subclass that refuses non-LAN remote candidates.
 * Must run before libp2p's WebRTC transport module is evaluated: it reads the global once.
 * Returns false where there is no RTCPeerConnection (Node) or it is guarded already.
 */
export function installLanOnlyRtc(scope: { RTCPeerConnection?: typeof RTCPeerConnection }): boolean {
  const Base = scope.RTCPeerConnection;
  if (!Base || (Base as unknown as Record<symbol, boolean>)[GUARDED]) return false;
  class LanOnlyRTCPeerConnection extends Base {
    static readonly [GUARDED] = true;

    override addIceCandidate(candidate?: RTCIceCandidateInit | null): Promise<void> {
      const line = candidate?.candidate;
      // An empty candidate is "end of candidates", not an address.
      if (line) {
        if (!isLanCandidate(line)) {
          remoteCandidates.refused++;
          return Promise.resolve();
        }
        remoteCandidates.accepted++;
      }
      return super.addIceCandidate(candidate ?? undefined);
    }

    override setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
      if (!description?.sdp) return super.setRemoteDescription(description);
      const { sdp, accepted, refused } = stripNonLanCandidates(description.sdp);
      remoteCandidates.accepted += accepted;
      remoteCandidates.refused += refused;
      return super.setRemoteDescription({ type: description.type, sdp });
    }
  }
  scope.RTCPeerConnection = LanOnlyRTCPeerConnection;
  return true;
}
