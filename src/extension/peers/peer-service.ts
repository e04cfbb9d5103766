/**
 * LAN sharing in a browser: runs the libp2p node (where WebRTC exists), keeps it connected to
 * the configured LAN nodes (lan-node-dial.ts) and to other browsers, serves peers what
 * block-policy.ts decides they get, exchanges with the LAN nodes what each holds (lan-sync.ts),
 * and fetches verified blocks from peers into the store. Settings arrive from the background.
 */
import type { Libp2p } from '@libp2p/interface';
import { createUploadBucket, MonthlyCap, megabytesToBytes, PenaltyBox, utcMonthOf } from '../../core/limits/index.ts';
import type { Settings } from '../../core/settings/index.ts';
import { createBrowserNode, type BrowserNodeServices } from '../../p2p/browser-node.ts';
import { createBlockServer, isPeerFault } from '../../p2p/block/index.ts';
import { connectToLanPeers, dropUnresponsivePeers } from '../../p2p/discovery.ts';
import { remoteCandidates } from '../../p2p/lan-rtc.ts';
import { createHaveServer } from '../../p2p/have/index.ts';
import { createBindingsServer } from '../../p2p/bindings/index.ts';
import { lookupUrl } from '../../p2p/lookup/index.ts';
import { createUpdateServer } from '../../p2p/update/index.ts';
import { contradictsOwnObservation, learnGroupBindings, observedBindings, sharesGroupBindings } from './group-bindings.ts';
import { idleState, wantsPeers } from './sharing-state.ts';
import { createLanNodeDialer, peerIdInAddress, type LanNodeRefusal } from './lan-node-dial.ts';
import { createPeerPolicy } from './block-policy.ts';
import { createLanSync, LAN_SITE } from './lan-sync.ts';
import { createSiteSafetySync, type SiteSafetyLink } from './site-safety-sync.ts';
import type { PeerLocal } from '../background/peer-local-state.ts';
import { encodeBase64 } from '../../core/integrity/base64.ts';
import type { Store } from '../../store/index.ts';
import type { HashListIndex } from '../cache/context.ts';

/** What the popup and the background learn about LAN sharing. */
export interface PeerStatus {
  readonly state: 'off' | 'no-lan-node' | 'paused' | 'starting' | 'running' | 'error';
  readonly peerId?: string;
  /** Connected LAN nodes and other peers. */
  readonly lanNodes: number;
  readonly peers: number;
  readonly error?: string;
  /** Other browsers the LAN nodes told of, and how many are connected directly. */
  readonly browsers?: { readonly found: number; readonly connected: number; readonly lastError?: string };
  /** This calendar month's uploads against `monthlyUploadCapMB` (bytes). */
  readonly upload?: { readonly usedBytes: number; readonly capBytes: number };
  /** WebRTC candidates of other browsers let through (LAN) and refused (elsewhere), p2p/lan-rtc.ts. */
  readonly remoteCandidates?: { readonly accepted: number; readonly refused: number };
  /** LAN node addresses that answered with another peer id than the one pinned (lan-node-dial.ts). */
  readonly refusedLanNodes?: readonly LanNodeRefusal[];
}

export type FetchOutcome = 'stored' | 'not-found' | 'unavailable';
/** `unknown`: no LAN node holds the URL's file; the asker is the one to download it. */
export type LookupOutcome = 'stored' | 'unknown' | 'unavailable';

export interface PeerService {
  /**
   * Starts, restarts or stops the node to match the settings; `paused`: metered network;
   * `local`: this browser's identity and the LAN node ids pinned, from extension storage
   * (absent: tests and benches; a new peer id for this service's life, nothing pinned yet).
   */
  apply(settings: Settings, paused: boolean, local?: PeerLocal): Promise<void>;
  status(): PeerStatus;
  /** Asks connected peers (LAN nodes first) for a block; stores it verified. */
  fetch(key: string, type: string, maxBytes: number): Promise<FetchOutcome>;
  /**
   * Asks the LAN nodes whether they hold what `url` serves (a listed URL, or the group's binding
   * when trusted); stores it verified. A node whose member is downloading the URL right now
   * waits for that download, up to 10 s.
   */
  lookup(url: string, type: string, maxBytes: number): Promise<LookupOutcome>;
  /** This browser learned something: tell the LAN nodes now (listed blocks, and in a group its bindings). */
  learned(): void;
  /** A document's CSP was observed: in a group, tell the LAN nodes what changed (site-safety-sync.ts). */
  siteSafetyChanged(): void;
}

const REDIAL_MS = 30_000;
const RECONNECT_MS = 2_000;

export { LAN_SITE };

/** How often a replication round runs (what changes in between is told at once). */
const REPLICATE_EVERY_MS = 10 * 60_000;

export function createPeerService(init: {
  store: Store;
  hashList: HashListIndex;
  log: (line: string) => void;
  /** Blocks arrived from peers (the serving engine re-plans). */
  onStored?: () => void;
  /** A LAN node address answered for the first time: the background keeps its id (lan-node-dial.ts). */
  onPinned?: (address: string, peerId: string) => void;
  /** The site-safety store: what this browser's documents allowed, and where the group's verdicts go. */
  siteSafety?: SiteSafetyLink;
}): PeerService {
  const { store, hashList, log } = init;
  let node: Libp2p<BrowserNodeServices> | undefined;
  let running = '';
  let settings: Settings | undefined;
  let state: PeerStatus['state'] = 'off';
  let error: string | undefined;
  let lanNodeIds = new Set<string>();
  /**
   * The ids the configured LAN node addresses are pinned to (their `/p2p/<id>`, or the id kept
   * from the first answer), known before they connect, so a node's first question (its have pull
   * on identify) is answered even if it ever came before this browser's dial returned and marked
   * the node connected (not seen on loopback: 5 of 5 tries were marked first).
   */
  let pinnedIds = new Set<string>();
  let redial: ReturnType<typeof setInterval> | undefined;
  let reconnect: ReturnType<typeof setInterval> | undefined;
  const penalty = new PenaltyBox();
  let monthly = new MonthlyCap({ capBytes: 0 });
  /** The last round of meeting other browsers, for diagnostics in the status. */
  let lastMeeting: { found: number; connected: number; errors: string[] } | undefined;
  /** The identity of a service applied without one (tests, benches). */
  let ownLocal: PeerLocal | undefined;

  async function stop(): Promise<void> {
    clearInterval(redial);
    clearInterval(reconnect);
    const old = node;
    node = undefined;
    lanNodeIds = new Set();
    dialer.reset();
    lastMeeting = undefined;
    sync.reset();
    safetySync.reset();
    await Promise.resolve(old?.stop()).catch(() => undefined);
  }

  /** Each configured LAN node, pinned to its peer id. */
  const dialer = createLanNodeDialer({
    node: () => node,
    log,
    onConnected: (_address, id, again) => {
      lanNodeIds.add(id);
      // Back after a restart or an outage: catch up on what was told meanwhile.
      if (again) void sync.replicate();
      safetySync.connected(id);
    },
    onPinned: (address, id) => init.onPinned?.(address, id),
  });
  const dialLanNodes = (addrs: readonly string[]): Promise<void> => dialer.dial(addrs);

  const sync = createLanSync({
    store, hashList, log, penalty,
    onStored: () => init.onStored?.(),
    node: () => node,
    settings: () => settings,
    running: () => state === 'running',
    lanNodeIds: () => lanNodeIds,
  });

  const safetySync = createSiteSafetySync({
    store, hashList, log, penalty,
    ...(init.siteSafety ? { link: init.siteSafety } : {}),
    node: () => node,
    settings: () => settings,
    isLanNode: (peer) => lanNodeIds.has(peer) || pinnedIds.has(peer),
    lanNodes: () => [...lanNodeIds].flatMap((id) => {
      const peer = node?.getConnections().find((c) => c.remotePeer.toString() === id)?.remotePeer;
      return peer ? [{ id, peer }] : [];
    }),
  });

  const policy = createPeerPolicy({
    settings: () => settings,
    isListed: (key) => hashList.isListed(key),
    // Connected through lan-node-dial.ts, or pinned: either way the noise handshake authenticated the id.
    isLanNode: (peer) => lanNodeIds.has(peer) || pinnedIds.has(peer),
    isPenalised: (peer) => penalty.isPenalised(peer),
    holders: (key) => store.popularity.peerCount(key),
    named: async (key) => (await store.bindings.forHash(key)).some((b) => b.source !== 'list'),
    block: async (key) => (await store.blobs.get(key, { touch: false }))?.bytes,
    listedHeld: async () => (await store.blobs.list()).map((m) => m.mh).filter((k) => hashList.isListed(k)),
    observed: () => observedBindings(store, hashList),
  });

  async function start(s: Settings, identity: string): Promise<void> {
    // The same key at every start: the LAN node counts this browser as one member (issue 10, item 1).
    node = await createBrowserNode({ groupKey: s.groupKey, identitySeed: identity });
    // The cap outlives restarts: this month's uploads are in the stats already.
    const month = utcMonthOf(Date.now());
    const usedBytes = (await store.stats.daily(31)).filter((d) => d.day.startsWith(month)).reduce((n, d) => n + d.lanBytesOut, 0);
    monthly = new MonthlyCap({ capBytes: megabytesToBytes(s.monthlyUploadCapMB), state: { month, usedBytes } });
    const server = createBlockServer({
      getBlock: (key, peer) => policy.block(key, peer),
      limits: {
        maxBlockBytes: megabytesToBytes(s.maxAssetMB),
        uploadBucket: createUploadBucket(s.maxUploadKbps),
        monthlyCap: monthly,
        penaltyBox: penalty,
        onUpload: (_peer, bytes) => void store.stats.add(LAN_SITE, { lanBytesOut: bytes }).catch(() => undefined),
      },
    });
    await node.handle(server.protocol, server.handler, { maxInboundStreams: server.maxInboundStreams });
    // What each peer is answered is block-policy.ts's decision alone.
    const have = createHaveServer((peer) => policy.have(peer));
    await node.handle(have.protocol, have.handler);
    if (sharesGroupBindings(s)) {
      const book = createBindingsServer((peer) => policy.bindings(peer));
      await node.handle(book.protocol, book.handler);
      // The group's verdicts on sites' CSPs, from the pinned LAN nodes only (site-safety-sync.ts).
      if (init.siteSafety) {
        const safety = safetySync.server();
        await node.handle(safety.protocol, safety.handler);
      }
    }
    // What the LAN nodes tell the moment it changes: blocks they now host, the group's new bindings.
    const updates = createUpdateServer({
      accept: (peer) => policy.acceptsUpdate(peer),
      onUpdate: (peer, u) => void sync.take(peer, u).catch((e: unknown) => log(`update from ${peer.toString()}: ${String(e)}`)),
      onFault: (peer) => penalty.penalise(peer.toString()),
    });
    await node.handle(updates.protocol, updates.handler);
    await dialLanNodes(s.lanNodes);
    void meetPeers();
    void sync.replicate();
    // Bounded retry: one attempt per LAN node every 30 s while it is not connected.
    let rounds = 0;
    // A LAN node that went away (restarted, failed over) is dialled again every 2 s, so browsers
    // are back within seconds of it; other browsers are met on the slower round below.
    reconnect = setInterval(() => void dialLanNodes(s.lanNodes), RECONNECT_MS);
    redial = setInterval(() => {
      void meetPeers();
      if (++rounds % (REPLICATE_EVERY_MS / REDIAL_MS) === 0) void sync.replicate();
    }, REDIAL_MS);
  }

  /** Other browsers, found through each LAN node and reached directly by WebRTC when possible. */
  async function meetPeers(): Promise<void> {
    // A browser that went silent is let go first, so it can be met again below.
    const dropped = node ? await dropUnresponsivePeers(node, (id) => lanNodeIds.has(id)).catch(() => 0) : 0;
    if (dropped > 0) log(`let go of ${dropped} unresponsive peer(s)`);
    for (const id of lanNodeIds) {
      const peer = node?.getConnections().find((c) => c.remotePeer.toString() === id)?.remotePeer;
      if (!node || !peer) continue;
      const met = await connectToLanPeers(node, peer).catch((e: unknown) => ({ found: 0, connected: 0, errors: [String(e)] }));
      lastMeeting = met;
      for (const e of met.errors) log(`peer via ${id}: ${e}`);
    }
  }

  return {
    async apply(s, paused, given) {
      settings = s;
      const local = given ?? (ownLocal ??= { identity: encodeBase64(crypto.getRandomValues(new Uint8Array(32)), 'base64url', false), pins: {} });
      if (given) dialer.setPins(local.pins);
      pinnedIds = new Set(s.lanNodes.map((a) => peerIdInAddress(a) ?? local.pins[a]).filter((id): id is string => id !== undefined));
      const active = wantsPeers(s, paused);
      const key = active ? JSON.stringify([s.lanNodes, s.groupKey, s.maxUploadKbps, s.monthlyUploadCapMB, s.maxAssetMB, sharesGroupBindings(s), local.identity]) : '';
      if (!active) state = idleState(s, paused).state;
      if (key === running) return;
      running = key;
      await stop();
      if (!active) return;
      state = 'starting';
      error = undefined;
      try {
        await start(s, local.identity);
        state = 'running';
      } catch (e) {
        state = 'error';
        error = String(e);
        log(`LAN sharing failed to start: ${error}`);
        await stop();
      }
    },

    status() {
      // Relayed (limited) connections only carry signalling: they are not peers to share with.
      const conns = (node?.getConnections() ?? []).filter((c) => c.limits === undefined);
      const ids = new Set(conns.map((c) => c.remotePeer.toString()));
      const lanNodes = [...ids].filter((id) => lanNodeIds.has(id)).length;
      return {
        state, lanNodes, peers: ids.size - lanNodes,
        ...(node ? { peerId: node.peerId.toString(), upload: { usedBytes: monthly.used(), capBytes: megabytesToBytes(settings?.monthlyUploadCapMB ?? 0) }, remoteCandidates: { ...remoteCandidates } } : {}),
        ...(error ? { error } : {}),
        ...(dialer.refusals().length ? { refusedLanNodes: dialer.refusals() } : {}),
        ...(lastMeeting ? { browsers: { found: lastMeeting.found, connected: lastMeeting.connected, ...(lastMeeting.errors[0] ? { lastError: lastMeeting.errors[0] } : {}) } } : {}),
      };
    },

    async fetch(key, type, maxBytes) {
      if (!node || state !== 'running') return 'unavailable';
      const peers = [...new Map(node.getConnections().filter((c) => c.limits === undefined).map((c) => [c.remotePeer.toString(), c.remotePeer])).values()]
        .filter((p) => !penalty.isPenalised(p.toString()))
        .sort((a, b) => Number(lanNodeIds.has(b.toString())) - Number(lanNodeIds.has(a.toString())));
      for (const peer of peers.slice(0, 8)) {
        try {
          if (await sync.fetchInto(peer, key, type, maxBytes, 5_000)) return 'stored';
        } catch (e) {
          if (isPeerFault(e)) {
            // Bad bytes or garbage: hang up and refuse this peer for a while.
            penalty.penalise(peer.toString());
            await node.hangUp(peer).catch(() => undefined);
          }
          log(`block ${key} from ${peer.toString()}: ${String(e)}`);
        }
      }
      return 'not-found';
    },

    async lookup(url, type, maxBytes) {
      const s = settings;
      if (!node || !s || state !== 'running') return 'unavailable';
      const listed = hashList.lookup(url);
      // Off the list, only the group's book could say what the URL holds.
      if (!listed && !sharesGroupBindings(s)) return 'unavailable';
      for (const id of lanNodeIds) {
        const peer = node.getConnections().find((c) => c.remotePeer.toString() === id && c.limits === undefined)?.remotePeer;
        if (!peer || penalty.isPenalised(id)) continue;
        try {
          const a = await lookupUrl(node, peer, url);
          if (!a.mh) continue;
          // The list is authoritative for its URLs; off it, the answer is the group's claim,
          // learned like any (this browser's own observation still beats it).
          if (listed ? a.mh !== listed.key : !a.binding) continue;
          // Our own fresh observation of the URL says other bytes: the claim is not fetched.
          if (!listed && contradictsOwnObservation((await store.bindings.lookupMany([url], 'observed')).get(url), a.mh, Date.now())) continue;
          if (a.binding) await learnGroupBindings({ store, hashList, log, settings: s, nodeId: id, onChanged: () => init.onStored?.() }, [a.binding]);
          if (await sync.fetchInto(peer, a.mh, type, maxBytes, 10_000)) return 'stored';
        } catch (e) {
          if (isPeerFault(e)) penalty.penalise(id);
          log(`lookup of ${url} at ${id}: ${String(e)}`);
        }
      }
      return 'unknown';
    },

    learned: () => {
      sync.learned();
      // A new observed binding may name a site whose CSP we could now tell.
      safetySync.changed();
    },
    siteSafetyChanged: () => safetySync.changed(),
  };
}
