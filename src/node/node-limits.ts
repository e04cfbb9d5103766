/**
 * What keeps the LAN node standing under load (issue 10, item 4; docs/ADMIN.md, "Limits of the
 * LAN node"): caps in all, so that the node's memory has a ceiling whatever peers do, and per
 * IP address, so that one machine cannot take the whole of it by minting peer ids (free:
 * browsers make a new one on every start). Per-peer-id limits stay inside these
 * (src/p2p/block/server.ts).
 *
 * Sized for an office of a few hundred browsers, a few per machine; the bench
 * (`npm run bench -- node-load`) runs 200 peers against them. Machines that share one address
 * (a terminal server, a NAT between the browsers and the node) share its per-address caps.
 * The node's own machine (127.0.0.1, ::1) is not capped per address: nobody elsewhere can
 * send from those addresses (the kernel drops them from the network), whoever runs on that
 * machine can stop the node anyway, and tests and benches run whole offices there.
 */
import type { Connection, ConnectionGater, Libp2p, MultiaddrConnection, Stream } from '@libp2p/interface';
import type { Multiaddr } from '@multiformats/multiaddr';
import type { CircuitRelayService } from '@libp2p/circuit-relay-v2';
import type { BlockServerLimits } from '../p2p/block/index.ts';
import { BINDINGS_PROTOCOL } from '../p2p/bindings/index.ts';
import { PEERS_PROTOCOL } from '../p2p/discovery.ts';
import { HAVE_PROTOCOL } from '../p2p/have/index.ts';
import { LOOKUP_PROTOCOL } from '../p2p/lookup/index.ts';
import { remoteHostOf } from '../p2p/remote-host.ts';
import { SITE_SAFETY_PROTOCOL } from '../p2p/site-safety/index.ts';
import { UPDATE_PROTOCOL } from '../p2p/update/index.ts';
import { MAX_WAITING } from './lookups.ts';
import { createStreamGate, type StreamGate } from './stream-gate.ts';

/** The address the per-address caps count `remoteAddr` under: its IP, none for the node's own machine. */
export function cappedAddressOf(remoteAddr: Multiaddr): string | undefined {
  const host = remoteHostOf(remoteAddr);
  return host === '127.0.0.1' || host === '::1' ? undefined : host;
}

/**
 * Connections. libp2p's defaults stand for the rest: 5 new connections a second per address,
 * 10 s to finish a handshake. Its 10 handshakes in progress at once were a door one address
 * could hold shut (open 10 connections, never finish them); the per-address cap keeps one
 * machine to a few of the 64.
 */
export const CONNECTION_LIMITS = {
  maxConnections: 512,
  maxIncomingPendingConnections: 64,
  /** Inbound connections (finished or not) from one IP address: a few browsers and profiles. */
  perAddress: 8,
} as const;

/**
 * Block streams. Each stream holds about one 64 KiB piece (hosted blocks are read as they are
 * sent) and its encrypted copy, 16 MB for all 128. A peer that stops reading is reset after
 * 10 s (`writeStallMs`), but may ask again at once: per address, one machine holds at most 8 (a
 * browser's per-peer 8; two browsers fetching at the same moment share them), so it takes 16
 * addresses to fill the node, and three attacking machines leave honest ones 104.
 */
export const BLOCK_LIMITS = {
  maxConcurrentTotal: 128,
  maxConcurrentPerAddress: 8,
  // Four peers' worth of the per-peer 600 a minute.
  requestsPerMinutePerAddress: 2_400,
  addressOf: cappedAddressOf,
} as const satisfies BlockServerLimits;

/**
 * The answer protocols: at most 8 answers built at once (a have list is up to 1.3 MB, a group
 * book up to 4 MiB), 6 per address (a browser asks for three when it connects; two browsers on
 * one machine); updates: 4 read at once (up to 5 MiB each), 2 per address (one per peer at a
 * time already); lookups are small but wait up to 10 s for a colleague's download, so one
 * address may hold 64 of the 1,000 waiting places.
 */
const GATES: readonly { protocols: readonly string[]; maxTotal: number; maxPerAddress: number }[] = [
  { protocols: [HAVE_PROTOCOL, BINDINGS_PROTOCOL, PEERS_PROTOCOL], maxTotal: 8, maxPerAddress: 6 },
  { protocols: [UPDATE_PROTOCOL], maxTotal: 4, maxPerAddress: 2 },
  { protocols: [LOOKUP_PROTOCOL], maxTotal: MAX_WAITING, maxPerAddress: 64 },
  // Site-safety facts: up to 2 MiB a message, one per peer at a time already.
  { protocols: [SITE_SAFETY_PROTOCOL], maxTotal: 4, maxPerAddress: 2 },
];

type Handler = (stream: Stream, connection: Connection) => Promise<void>;

/** The node's stream caps by protocol: `wrap` a handler before `handle`; `onRefuse` counts resets. */
export function createNodeStreamLimits(onRefuse: () => void): (protocol: string, handler: Handler) => Handler {
  const gates = new Map<string, StreamGate>();
  for (const g of GATES) {
    const gate = createStreamGate({ maxTotal: g.maxTotal, maxPerAddress: g.maxPerAddress, onRefuse, addressOf: cappedAddressOf });
    for (const p of g.protocols) gates.set(p, gate);
  }
  return (protocol, handler) => {
    const gate = gates.get(protocol);
    return gate ? (gate.wrap(handler) as Handler) : handler;
  };
}

/**
 * `gater` with a cap on inbound connections per IP address, counted from the moment one is
 * accepted (before its handshake) until it closes. Connections without an address of the
 * peer's own (the node takes none: it has no relay transport) and from the node's own machine
 * are not counted.
 */
export function capConnectionsPerAddress(gater: ConnectionGater, perAddress: number): ConnectionGater {
  const open = new Map<string, Set<MultiaddrConnection>>();
  return {
    ...gater,
    denyInboundConnection: async (maConn) => {
      if ((await gater.denyInboundConnection?.(maConn)) === true) return true;
      const host = cappedAddressOf(maConn.remoteAddr);
      if (host === undefined) return false;
      const conns = open.get(host) ?? new Set();
      // Closed ones are dropped here too, should a close event ever be missed.
      for (const c of conns) if (c.status !== 'open') conns.delete(c);
      if (conns.size >= perAddress) return true;
      conns.add(maConn);
      open.set(host, conns);
      maConn.addEventListener('close', () => {
        conns.delete(maConn);
        if (conns.size === 0 && open.get(host) === conns) open.delete(host);
      }, { once: true });
      return false;
    },
  };
}

/**
 * Relay reservations end when their peer disconnects. circuit-relay-v2 keeps one for its TTL
 * (2 h) whatever happens to the peer, so an address that connects, reserves and leaves, over
 * and over with new peer ids, would fill the 256 places and leave browsers that come later
 * unreachable over WebRTC. A reservation of a peer that is gone is of no use: it cannot be
 * relayed to.
 */
export function releaseReservationsOnDisconnect(node: Libp2p<{ relay: CircuitRelayService }>): void {
  node.addEventListener('peer:disconnect', (event) => {
    const reservation = node.services.relay.reservations.get(event.detail);
    if (!reservation) return;
    reservation.signal.clear();
    node.services.relay.reservations.delete(event.detail);
  });
}
