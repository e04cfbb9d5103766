/**
 * How browsers find each other: a browser cannot listen or do mDNS, but its LAN node sees
 * every browser connected to it. `/peercache/peers/1.0.0` (same framing as the have protocol)
 * answers the peer ids of the other PeerCache browsers connected to the node; a browser then
 * dials each through the node's relay, which carries only the WebRTC signalling, and the
 * connection that results is direct on the LAN (ICE host candidates only, no STUN/TURN).
 */
import type { Libp2p, PeerId } from '@libp2p/interface';
import type { Ping } from '@libp2p/ping';
import { multiaddr } from '@multiformats/multiaddr';
import { createListServer, fetchList } from './have/index.ts';

export const PEERS_PROTOCOL = '/peercache/peers/1.0.0';
/** Most browsers one asks for and dials per round. */
export const MAX_DISCOVERED = 16;

/** The LAN node's answer: connected peers speaking `requiredProtocol`, except the asker. */
export function createPeersServer(node: Libp2p, requiredProtocol: string): ReturnType<typeof createListServer> {
  return createListServer(PEERS_PROTOCOL, async (asker) => {
    const ids: string[] = [];
    for (const peer of node.getPeers()) {
      const id = peer.toString();
      if (id === asker || ids.length >= MAX_DISCOVERED * 4) continue;
      const known = await node.peerStore.get(peer).catch(() => undefined);
      if (known?.protocols.includes(requiredProtocol)) ids.push(id);
    }
    return ids;
  });
}

/**
 * Asks the LAN node `lanNode` (connected) for other browsers and dials those not yet
 * connected, by WebRTC through its relay. Returns how many it was told of, how many are
 * connected afterwards, and why the others are not.
 */
export async function connectToLanPeers(node: Libp2p, lanNode: PeerId, opts: { timeoutMs?: number } = {}): Promise<{ found: number; connected: number; errors: string[] }> {
  const errors: string[] = [];
  const conn = node.getConnections(lanNode).find((c) => c.limits === undefined);
  if (!conn) return { found: 0, connected: 0, errors: ['not connected to the LAN node'] };
  const relay = `${conn.remoteAddr.toString().replace(/\/p2p\/[^/]+$/, '')}/p2p/${lanNode.toString()}`;
  const ids = (await fetchList(node, lanNode, PEERS_PROTOCOL, opts)).filter((id) => id !== node.peerId.toString()).slice(0, MAX_DISCOVERED);
  let connected = 0;
  await Promise.all(
    ids.map(async (id) => {
      const direct = node.getConnections().some((c) => c.remotePeer.toString() === id && c.limits === undefined);
      if (direct) return void connected++;
      try {
        await node.dial(multiaddr(`${relay}/p2p-circuit/webrtc/p2p/${id}`), { signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000) });
        connected++;
      } catch (e) {
        // No direct path (WebRTC blocked, other subnet): blocks still come through the LAN node.
        errors.push(`${id}: ${String(e)}`);
      }
    }),
  );
  return { found: ids.length, connected, errors };
}

/**
 * Hangs up on direct peers that no longer answer a ping (bounded by `timeoutMs`), except those
 * `keep` names (LAN nodes: their redial handles them). A WebRTC peer that hung up is not always
 * noticed: its connection still looks open, so discovery would count it as connected and never
 * dial that browser again, and block requests to it would wait for their timeout.
 * Resolves to how many peers were dropped.
 */
export async function dropUnresponsivePeers(node: Libp2p<{ ping: Ping }>, keep: (peerId: string) => boolean, timeoutMs = 5_000): Promise<number> {
  const peers = new Map(node.getConnections().filter((c) => c.limits === undefined && !keep(c.remotePeer.toString())).map((c) => [c.remotePeer.toString(), c.remotePeer]));
  let dropped = 0;
  await Promise.all(
    [...peers.values()].map(async (peer) => {
      try {
        await node.services.ping.ping(peer, { signal: AbortSignal.timeout(timeoutMs) });
      } catch {
        dropped++;
        await node.hangUp(peer).catch(() => undefined);
      }
    }),
  );
  return dropped;
}
