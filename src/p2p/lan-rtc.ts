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

/** Label of the data channel a libp2p WebRTC dialler opens only to start ICE (libp2p/specs#578). */
export const INIT_CHANNEL_LABEL = 'init';

/**
 * Makes the dialler's `init` channel safe to wait on. @libp2p/webrtc 6 (initiate-connection.ts),
 * once ICE connects, waits for the channel's `open` event unless `readyState` is 'open', then
 * closes it and waits for its `close` event. The answering side's muxer closes that channel as
 * soon as it arrives, so when the dialler's page is busy the channel has already gone open →
 * closed before libp2p looks: it waits for an event that came and went, and the dial fails after
 * libp2p's 6 s per-address timeout (1 to 2 of 50 dials in bench/webrtc, both pages Chromium).
 * So once the channel has opened it reads 'open' until libp2p closes it, and closing it when it is
 * closed already fires `close` again (after libp2p, which listens right after calling close(),
 * is listening). Only this channel is touched; libp2p uses it for nothing else.
 */
export function steadyInitChannel(channel: RTCDataChannel): void {
  const native = Object.getPrototypeOf(channel) as RTCDataChannel;
  const nativeState = Object.getOwnPropertyDescriptor(native, 'readyState')?.get;
  const nativeClose = native.close;
  if (!nativeState) return;
  let opened = false;
  let closed = false;
  let closeCalled = false;
  channel.addEventListener('open', () => void (opened = true), { once: true });
  channel.addEventListener('close', () => void (closed = true), { once: true });
  Object.defineProperty(channel, 'readyState', {
    configurable: true,
    get: (): RTCDataChannelState => (opened && !closeCalled ? 'open' : (nativeState.call(channel) as RTCDataChannelState)),
  });
  channel.close = (): void => {
    closeCalled = true;
    if (closed) setTimeout(() => channel.dispatchEvent(new Event('close')), 0);
    else nativeClose.call(channel);
  };
}

/**
 * Replaces `scope.RTCPeerConnection` by a subclass that refuses non-LAN remote candidates (and
 * whose `init` data channel libp2p can wait on safely, steadyInitChannel).
 * Must run before libp2p's WebRTC transport module is evaluated: it reads the global once.
 * Returns false where there is no RTCPeerConnection (Node) or it is guarded already.
 */
export function installLanOnlyRtc(scope: { RTCPeerConnection?: typeof RTCPeerConnection }): boolean {
  const Base = scope.RTCPeerConnection;
  if (!Base || (Base as unknown as Record<symbol, boolean>)[GUARDED]) return false;
  class LanOnlyRTCPeerConnection extends Base {
    static readonly [GUARDED] = true;

    override createDataChannel(label: string, init?: RTCDataChannelInit): RTCDataChannel {
      const channel = super.createDataChannel(label, init);
      if (label === INIT_CHANNEL_LABEL) steadyInitChannel(channel);
      return channel;
    }

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
