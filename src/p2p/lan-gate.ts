/**
 * The LAN-only connection gater, for browsers and LAN nodes alike. js-libp2p's BROWSER default
 * gater does the opposite (it denies private addresses, platform-notes.md), so PeerCache
 * always installs this one: nothing is dialled or accepted unless every IP in the address is
 * on the local network.
 */
import type { ConnectionGater, MultiaddrConnection } from '@libp2p/interface';
import type { Multiaddr } from '@multiformats/multiaddr';
import { isLanIPv4, isLanIPv6 } from '../core/lan-address.ts';

const DNS = new Set(['dns', 'dns4', 'dns6', 'dnsaddr']);

/**
 * True when `ma` only ever leads to the LAN: each `ip4`/`ip6` part is a LAN address, there is
 * no DNS name (it could resolve anywhere), and it names at least one IP, or is a relayed
 * address (`/p2p/<relay>/p2p-circuit/…`) whose relay connection was itself gated, or a
 * browser-to-browser `/webrtc` connection (see below).
 */
export function isLanMultiaddr(ma: Multiaddr): boolean {
  let ips = 0;
  let circuit = false;
  let webrtc = false;
  for (const c of ma.getComponents()) {
    if (DNS.has(c.name)) return false;
    if (c.name === 'ip4' || c.name === 'ip6') {
      ips++;
      const lan = c.name === 'ip4' ? isLanIPv4(c.value ?? '') : isLanIPv6((c.value ?? '').replace(/%.*$/, ''));
      if (!lan) return false;
    }
    if (c.name === 'p2p-circuit') circuit = true;
    if (c.name === 'webrtc') webrtc = true;
  }
  // A browser-to-browser WebRTC connection may be described without any IP (`/webrtc/p2p/…`):
  // its signalling came through a gated relay and ICE has host candidates only (no STUN/TURN).
  return ips > 0 || circuit || webrtc;
}

/** A libp2p `ConnectionGater` that refuses every non-LAN address, in and out. */
export function createLanGater(): ConnectionGater {
  const remoteNotLan = (conn: MultiaddrConnection): boolean => !isLanMultiaddr(conn.remoteAddr);
  return {
    denyDialMultiaddr: (ma) => !isLanMultiaddr(ma),
    denyInboundConnection: remoteNotLan,
    denyOutboundConnection: (_peer, conn) => remoteNotLan(conn),
    // Addresses learned from peers (identify, peer routing) are filtered before they are stored.
    filterMultiaddrForPeer: (_peer, ma) => isLanMultiaddr(ma),
  };
}
