/**
 * The group key (settings `groupKey`, 64 hex characters) as a libp2p pre-shared key document
 * (@libp2p/pnet "swarm key" v1 format). The same function serves browsers and LAN nodes, so
 * both always derive the same key.
 */
export function groupKeyPsk(groupKey: string): Uint8Array {
  const hex = groupKey.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new RangeError('a group key is 64 hexadecimal characters');
  return new TextEncoder().encode(`/key/swarm/psk/1.0.0/\n/base16/\n${hex}`);
}
