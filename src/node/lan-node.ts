/**
 * The LAN node (`peercache-node`, architecture.md "LAN sharing"): one libp2p host that browsers
 * of the LAN reach over WebSockets and other LAN nodes over TCP. It is
 *
 * - a circuit-relay-v2 server, the signaling path browsers need to open WebRTC to each other;
 * - the LAN population's shared cache: it answers `/peercache/block/1.0.0` for every block its
 *   hosted cache holds, to any peer that got past the gater (and the group key, when set). It
 *   holds blocks on behalf of everyone, so there is no per-peer "do I share this" decision;
 *   limits per peer, per address and in all are the block server's business, set in
 *   node-limits.ts with the node's other caps (connections, answers, relay reservations);
 * - an mDNS participant (Node only, platform-notes.md), under PeerCache's own service tag so it
 *   finds other PeerCache nodes and not every libp2p host on the Wi-Fi;
 * - an HTTP status page and Prometheus endpoint for the admin.
 *
 * Every connection is LAN-only (createLanGater) and, with a group key, inside a libp2p private
 * network (@libp2p/pnet), which covers TCP, WebSockets and relayed connections.
 */
import { createPeersServer } from '../p2p/discovery.ts';
import { openGroupBindings, type GroupBindingsBook } from './group-bindings.ts';
import { loadNodeHashList, startReplication } from './replication.ts';
import { openGroupSiteSafety } from './group-site-safety.ts';
import { startSiteSafetySharing } from './site-safety-sharing.ts';
import type { Lookups } from './lookups.ts';
import { groupKeyPsk } from '../p2p/group-key.ts';
import { circuitRelayServer, type CircuitRelayService } from '@libp2p/circuit-relay-v2';
import { identify, type Identify } from '@libp2p/identify';
import type { Libp2p } from '@libp2p/interface';
import { mdns } from '@libp2p/mdns';
import { ping, type Ping } from '@libp2p/ping';
import { preSharedKey } from '@libp2p/pnet';
import { tcp } from '@libp2p/tcp';
import { webSockets } from '@libp2p/websockets';
import { yamux } from '@libp2p/yamux';
import { createLibp2p } from 'libp2p';
import { multiaddr } from '@multiformats/multiaddr';
import { join } from 'node:path';
import { format } from 'node:util';
import { isLanIPv4, isLanIPv6 } from '../core/lan-address.ts';
import { PenaltyBox } from '../core/limits/index.ts';
import { createBlockServer, type BlockLookup } from '../p2p/block/index.ts';
import { createLanGater, isLanMultiaddr } from '../p2p/lan-gate.ts';
import type { NodeConfig } from './config.ts';
import { createHttpStatus, type HttpStatus, type StatusSnapshot } from './http-status.ts';
import { isBlockKey, openHostedCache, type HostedCache } from './hosted-cache.ts';
import { loadOrCreateIdentity } from './identity.ts';
import { lanNodeNoise } from './noise-crypto.ts';
import { createNodeCounters, type NodeCounters } from './node-counters.ts';
import { BLOCK_LIMITS, CONNECTION_LIMITS, capConnectionsPerAddress, createNodeStreamLimits, releaseReservationsOnDisconnect } from './node-limits.ts';

/** Services of the node's libp2p host. */
// A type alias, not an interface: libp2p's ServiceMap needs an index signature.
export type LanNodeServices = {
  identify: Identify;
  ping: Ping;
  relay: CircuitRelayService;
};

/** Dependencies and knobs of {@link startLanNode}. */
export interface LanNodeOptions {
  /** One line per event (listening addresses, repairs, discovery). */
  readonly log: (line: string) => void;
  /** Clock in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** Shown on the status page and in identify. */
  readonly version?: string;
  /** Also log every block request (noisy: one line per request). */
  readonly debug?: boolean;
  /** mDNS discovery; default on, except when listening on loopback only, where nobody could dial what it would announce. */
  readonly mdns?: boolean;
  /** How often to ask connected browsers for popular blocks they learned (default 60 s). */
  readonly pullEveryMs?: number;
}

/** A running LAN node. */
export interface LanNode {
  readonly libp2p: Libp2p<LanNodeServices>;
  readonly cache: HostedCache;
  readonly counters: NodeCounters;
  /** The group's bindings book (only with a group key). */
  readonly groupBindings?: GroupBindingsBook;
  /** Lookups of URLs by members (`/peercache/lookup/1.0.0`), and how many one download answered. */
  readonly lookups: Lookups;
  /** The bound HTTP status port (differs from the config's when that was 0). */
  readonly httpPort: number;
  /** Listening addresses with `/p2p/<peer id>`, as libp2p reports them. */
  addresses(): string[];
  snapshot(): StatusSnapshot;
  /** Stops libp2p and HTTP, then waits for cache writes; idempotent. */
  stop(): Promise<void>;
}

const MiB = 1024 * 1024;
// libp2p's default of 15 reservations suits a public relay; here every browser of the LAN needs
// one to be reachable over WebRTC. Relayed-connection limits (2 min / 128 KiB) stay default:
// they only ever carry SDP signaling.
const MAX_RELAY_RESERVATIONS = 256;
/** mDNS service tag: PeerCache nodes look for each other, not for any libp2p host. */
export const MDNS_SERVICE_TAG = '_peercache._udp.local';

/** The group key as a pnet key: the same function browsers use (src/p2p/group-key.ts). */
export const groupKeyToPsk = groupKeyPsk;

const isLoopback = (host: string): boolean => /^127\./.test(host) || host === '::1';
const ipProto = (host: string): string => (host.includes(':') ? 'ip6' : 'ip4');

/**
 * Starts the LAN node: identity, hosted cache, libp2p (TCP, WebSockets, relay, block server)
 * and the HTTP status server, logging `listening <multiaddr>/p2p/<peer id>` per address.
 *
 * @example
 * ```ts
 * const node = await startLanNode(loadNodeConfig(argv) as NodeConfig, { log: console.log });
 * process.once('SIGTERM', () => void node.stop());
 * ```
 */
export async function startLanNode(config: NodeConfig, options: LanNodeOptions): Promise<LanNode> {
  const { log } = options;
  const now = options.now ?? Date.now;
  const startedAt = now();
  const version = options.version ?? 'unknown';
  if (!['0.0.0.0', '::'].includes(config.host) && !isLanIPv4(config.host) && !isLanIPv6(config.host)) {
    throw new RangeError(`host ${config.host} is not a local-network address`);
  }
  const privateKey = await loadOrCreateIdentity(config.dataDir, log);
  const cache = await openHostedCache({ dir: join(config.dataDir, 'blocks'), maxBytes: config.cacheMB * MiB, now, log });
  const counters = createNodeCounters();
  let stopping = false;

  const ip = ipProto(config.host);
  const useMdns = options.mdns ?? !isLoopback(config.host);
  const notAnnounced = new Set<string>();
  let libp2p: Libp2p<LanNodeServices> | undefined;
  let http: HttpStatus | undefined;
  try {
    libp2p = await createLibp2p<LanNodeServices>({
      privateKey,
      nodeInfo: { name: 'peercache-node', version },
      addresses: {
        listen: [`/${ip}/${config.host}/tcp/${config.tcpPort}`, `/${ip}/${config.host}/tcp/${config.wsPort}/ws`],
        // 0.0.0.0 expands to every interface; only LAN addresses are worth telling anyone (the
        // gater refuses the rest). What is left out is logged once, so an admin whose network
        // is not classed as LAN (e.g. CGNAT 100.64/10) sees why.
        announceFilter: (addrs) => addrs.filter((ma) => isLanMultiaddr(ma) || void notAnnounced.add(ma.toString())),
      },
      transports: [tcp(), webSockets()],
      connectionEncrypters: [lanNodeNoise()],
      streamMuxers: [yamux()],
      connectionGater: capConnectionsPerAddress(createLanGater(), CONNECTION_LIMITS.perAddress),
      connectionManager: {
        maxConnections: CONNECTION_LIMITS.maxConnections,
        maxIncomingPendingConnections: CONNECTION_LIMITS.maxIncomingPendingConnections,
      },
      ...(config.groupKey ? { connectionProtector: preSharedKey({ psk: groupKeyToPsk(config.groupKey) }) } : {}),
      peerDiscovery: useMdns ? [mdns({ serviceTag: MDNS_SERVICE_TAG })] : [],
      services: {
        identify: identify(),
        ping: ping(),
        relay: circuitRelayServer({ reservations: { maxReservations: MAX_RELAY_RESERVATIONS } }),
      },
    });

    releaseReservationsOnDisconnect(libp2p);
    // The node has no upload cap or privacy gate of its own: everything it holds was put there
    // to be shared. Its limits are about standing up under load (node-limits.ts).
    const server = createBlockServer({
      getBlock: async (key) => {
        if (stopping) return answered('refused');
        try {
          // Read from disk as it is sent (block-file.ts), not whole: a stream holds one piece.
          const body = isBlockKey(key) ? await cache.read(key) : undefined;
          if (!body) return answered('not-found');
          counters.requests.found++;
          return { status: 'found', body };
        } catch (e) {
          log(`block request for ${key} failed: ${(e as Error).message}`);
          counters.requests.error++;
          return { status: 'refused' };
        }
      },
      limits: {
        ...BLOCK_LIMITS,
        // A peer that sent garbage is refused for 10 minutes (under that peer id; its address
        // stays within the per-address caps whatever ids it makes).
        penaltyBox: new PenaltyBox(),
        // Counted as chunks are handed to the stream, so an aborted transfer counts what left.
        onUpload: (_peer, bytes) => { counters.bytesOut += bytes; },
        onLimit: (limit) => { counters.limited[limit]++; },
      },
      ...(options.debug ? { log: (message: string, ...args: unknown[]) => log(format(message, ...args)) } : {}),
    });
    await libp2p.handle(server.protocol, server.handler, server.maxInboundStreams === undefined ? {} : { maxInboundStreams: server.maxInboundStreams });

    const node = libp2p;
    const limitStreams = createNodeStreamLimits(() => void counters.limited['other-streams']++);
    // Browsers find each other here (they cannot do mDNS): those that speak libp2p's WebRTC
    // signalling protocol.
    const peers = createPeersServer(node, '/webrtc-signaling/0.0.1');
    await node.handle(peers.protocol, limitStreams(peers.protocol, peers.handler));
    // Bindings travel only inside a group: without a key anyone on the LAN could claim them.
    const groupBindings = config.groupKey ? await openGroupBindings({
      dataDir: config.dataDir, now, log,
      ...(config.memberAgeMinutes !== undefined ? { memberAgeMinutes: config.memberAgeMinutes } : {}),
      ...(config.holdersPerAddress !== undefined ? { holdersPerAddress: config.holdersPerAddress } : {}),
    }) : undefined;
    const replication = await startReplication({
      node, cache, hashList: await loadNodeHashList(), log, onBytesIn: (n) => void (counters.bytesIn += n), now,
      ...(groupBindings ? { groupBindings } : {}),
      ...(options.pullEveryMs ? { pullEveryMs: options.pullEveryMs } : {}),
      limitStreams,
      trustedNodes: new Set((config.peers ?? []).map((a) => multiaddr(a).getComponents().findLast((c) => c.name === 'p2p')!.value!)),
    });
    // Site-safety facts, like bindings, only inside a group, braked the same way.
    const siteSafetyBook = config.groupKey ? await openGroupSiteSafety({
      dataDir: config.dataDir, now, log,
      ...(config.memberAgeMinutes !== undefined ? { memberAgeMinutes: config.memberAgeMinutes } : {}),
      ...(config.holdersPerAddress !== undefined ? { holdersPerAddress: config.holdersPerAddress } : {}),
    }) : undefined;
    const siteSafety = siteSafetyBook ? await startSiteSafetySharing({ node, log, limitStreams, book: siteSafetyBook }) : undefined;
    const keepPeers = keepConnected(node, config.peers ?? [], log);
    node.addEventListener('peer:discovery', (event) => {
      // libp2p reports every new peer-store entry here, browsers included; only mDNS finds hosts
      // with a direct address. Connect to those (other LAN nodes), so they count among our
      // peers; the gater and the group key still decide whether the connection stands.
      const direct = event.detail.multiaddrs.some((ma) => isLanMultiaddr(ma) && !ma.getComponents().some((c) => c.name === 'p2p-circuit'));
      if (!direct || node.getConnections(event.detail.id).length > 0) return;
      node.dial(event.detail.id).then(
        () => log(`connected to LAN node ${event.detail.id.toString()}`),
        (e: Error) => log(`cannot connect to discovered ${event.detail.id.toString()}: ${e.message}`),
      );
    });

    const snapshot = (): StatusSnapshot => ({
      version,
      peerId: node.peerId.toString(),
      addresses: node.getMultiaddrs().map((ma) => ma.toString()),
      peers: node.getPeers().length,
      ...cache.stats(),
      ...(groupBindings ? { groupBindings: groupBindings.size() } : {}),
      ...(siteSafetyBook ? { groupSiteSafety: { facts: siteSafetyBook.size(), safeHosts: siteSafetyBook.verdicts().length } } : {}),
      uptimeSeconds: Math.max(0, (now() - startedAt) / 1000),
      healthy: !stopping,
      counters,
    });
    http = createHttpStatus({ host: config.httpHost ?? config.host, port: config.httpPort, names: config.statusNames ?? [], snapshot });
    await http.start();

    for (const ma of node.getMultiaddrs()) log(`listening ${ma.toString()}`);
    for (const ma of notAnnounced) log(`not announced (not a local-network address): ${ma}`);
    const httpHost = config.host.includes(':') ? `[${config.host}]` : config.host;
    log(`status http://${httpHost}:${http.port}/`);

    let stopped: Promise<void> | undefined;
    const httpServer = http;
    return {
      libp2p: node,
      cache,
      counters,
      ...(groupBindings ? { groupBindings } : {}),
      lookups: replication.lookups,
      httpPort: http.port,
      addresses: () => node.getMultiaddrs().map((ma) => ma.toString()),
      snapshot,
      stop() {
        stopping = true;
        keepPeers.stop();
        // The book's last batched write lands before the process may exit.
        stopped ??= Promise.all([replication.stop(), siteSafety?.stop()]).then(() => Promise.allSettled([node.stop(), httpServer.stop()])).then(async (results) => {
          for (const r of results) if (r.status === 'rejected') log(`error while stopping: ${(r.reason as Error).message}`);
          await cache.close();
        });
        return stopped;
      },
    };
  } catch (e) {
    // A port in use or a bad address: undo what started, so the caller can exit cleanly.
    await Promise.allSettled([libp2p?.stop(), http?.stop()]);
    await cache.close();
    throw e;
  }

  function answered(status: 'not-found' | 'refused'): BlockLookup {
    counters.requests[status]++;
    return { status };
  }
}

/** How often a configured LAN node that is not connected is dialled again. */
const PEER_REDIAL_MS = 5_000;

/**
 * Keeps the configured LAN nodes connected: dialled at start and, while disconnected, every
 * 5 s (one attempt at a time per node, each bounded), so a restarted node is back within seconds.
 */
function keepConnected(node: Libp2p, peers: readonly string[], log: (line: string) => void): { stop(): void } {
  const dialling = new Set<string>();
  const lastError = new Map<string, string>();
  const dial = (addr: string): void => {
    const ma = multiaddr(addr);
    const id = ma.getComponents().findLast((c) => c.name === 'p2p')?.value;
    if (dialling.has(addr) || node.getConnections().some((c) => c.remotePeer.toString() === id)) return;
    dialling.add(addr);
    node.dial(ma, { signal: AbortSignal.timeout(PEER_REDIAL_MS) }).then(
      () => {
        lastError.delete(addr);
        log(`connected to LAN node ${addr}`);
      },
      (e: Error) => {
        // Logged once per distinct error, not every 5 s.
        if (lastError.get(addr) !== e.message) log(`cannot connect to LAN node ${addr}: ${e.message}`);
        lastError.set(addr, e.message);
      },
    ).finally(() => dialling.delete(addr));
  };
  for (const a of peers) dial(a);
  const timer = peers.length > 0 ? setInterval(() => peers.forEach(dial), PEER_REDIAL_MS) : undefined;
  return { stop: () => clearInterval(timer) };
}
