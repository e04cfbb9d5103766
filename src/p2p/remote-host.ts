/**
 * The machine a connection comes from, for limits per address (issue 10, item 4). Peer ids are
 * free to make (a browser keeps one, but anyone can make more), so a limit per peer id alone is undone
 * by minting ids; an IP address costs more to multiply on a LAN, so the LAN node also counts
 * per address.
 */
import type { Multiaddr } from '@multiformats/multiaddr';

/**
 * The IP address of the peer at the other end of `remoteAddr`, normalised (lower case, an
 * IPv4-mapped IPv6 address as IPv4; a link-local address's zone is a component of its own), or undefined when the address names none of the
 * peer's own: a relayed connection's IP is the relay's, and a WebRTC connection may name none.
 * Callers then fall back to the peer id.
 */
export function remoteHostOf(remoteAddr: Multiaddr): string | undefined {
  let host: string | undefined;
  for (const c of remoteAddr.getComponents()) {
    if (c.name === 'p2p-circuit') return undefined;
    if ((c.name === 'ip4' || c.name === 'ip6') && host === undefined) host = c.value;
  }
  if (host === undefined) return undefined;
  const bare = host.replace(/%.*$/, '').toLowerCase();
  // A dual-stack listener sees IPv4 peers as ::ffff:a.b.c.d, which multiaddr writes in hex.
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (dotted) return dotted[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(bare);
  if (!hex) return bare;
  const [hi, lo] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}
