/**
 * A browser's exchange with its LAN nodes (docs/PROTOCOL.md, have, bindings and update): it
 * asks them what they hold and what the group observed, takes in their updates, copies what it
 * could serve (`replicatePopular`), and tells them what it learned. Only ever with the LAN nodes
 * this browser pinned: the star through the node keeps members from learning who holds what.
 *
 * The loop itself (ask, then fetch what is wanted and lacking, one fetch per block at a time,
 * bounded a round) is the LAN node's too: p2p/replication.ts. What differs stays here and in
 * node/replication.ts: the node asks every peer that speaks the protocols and counts their
 * reports in a book (member ages, one vote per address), hosts every reported block, caps its
 * transfers in all, and tells every member what changed; a browser asks only the nodes it
 * trusts, keeps a claim only where its own observation does not contradict it, and copies only
 * what its privacy gate could serve, into the extension's store with a content type.
 */
import type { Libp2p, PeerId } from '@libp2p/interface';
import { contentTypeForPath } from '../../core/hash-list/index.ts';
import { megabytesToBytes, type PenaltyBox } from '../../core/limits/index.ts';
import type { Settings } from '../../core/settings/index.ts';
import { isPeerFault } from '../../p2p/block/index.ts';
import { createReplicator } from '../../p2p/replication.ts';
import { sendUpdate, type Update } from '../../p2p/update/index.ts';
import type { Store } from '../../store/index.ts';
import type { HashListIndex } from '../cache/context.ts';
import { learnGroupBindings, observedBindings, sharesGroupBindings } from './group-bindings.ts';

/** Most blocks one replication round fetches. */
const REPLICATE_MAX = 100;
/** What is learned within this time travels in one update. */
const TELL_AFTER_MS = 150;

/** Stats row of peer traffic (it belongs to no site); the '*' total includes it. */
export const LAN_SITE = '(lan)';

export interface LanSyncInit {
  store: Store;
  hashList: HashListIndex;
  log: (line: string) => void;
  /** Blocks or bindings arrived (the serving engine re-plans). */
  onStored?: () => void;
  node: () => Libp2p | undefined;
  settings: () => Settings | undefined;
  /** The node is running (not starting or stopped). */
  running: () => boolean;
  /** Connected LAN nodes this browser pinned (their peer ids). */
  lanNodeIds: () => Iterable<string>;
  penalty: PenaltyBox;
}

export function createLanSync(init: LanSyncInit) {
  const { store, hashList, log, penalty } = init;
  /** What the LAN nodes were told since the node started (`key` or `url mh`). */
  let told = new Set<string>();
  let telling: ReturnType<typeof setTimeout> | undefined;
  const replicator = createReplicator({
    node: init.node,
    has: (key) => store.blobs.has(key),
    put: async (_peer, want, bytes) => {
      await store.blobs.put(want.key, bytes, want.type ?? 'application/octet-stream');
      await store.stats.add(LAN_SITE, { lanBytesIn: bytes.byteLength });
      init.onStored?.();
    },
  });
  const groupCtx = (s: Settings, nodeId: string) => ({ store, hashList, log, settings: s, nodeId, onChanged: () => init.onStored?.() });

  /** The connected LAN nodes, by id and peer. */
  function lanNodes(): { id: string; peer: PeerId }[] {
    const node = init.node();
    if (!node) return [];
    return [...init.lanNodeIds()].flatMap((id) => {
      const peer = node.getConnections().find((c) => c.remotePeer.toString() === id)?.remotePeer;
      return peer ? [{ id, peer }] : [];
    });
  }

  /**
   * Gets `key` from `peer`, verified, into the store; true once it is held. One fetch per key at
   * a time: an update and a replication round (or a page's request) often want the same block.
   */
  const fetchInto = (peer: PeerId, key: string, type: string, maxBytes: number, timeoutMs: number): Promise<boolean> =>
    replicator.fetchInto(peer, { key, type, maxBytes, timeoutMs, stallMs: 2_000 });

  /** What a LAN node holds or the group observed: learned, and with replicatePopular the blocks copied. */
  async function take(peer: PeerId, u: Update): Promise<void> {
    const s = init.settings();
    if (!init.node() || !s) return;
    const wanted = sharesGroupBindings(s) && u.bindings.length > 0 ? await learnGroupBindings(groupCtx(s, peer.toString()), u.bindings) : [];
    if (!s.replicatePopular) return;
    for (const key of u.have.filter((k) => hashList.isListed(k)).slice(0, 10 * REPLICATE_MAX)) {
      const type = contentTypeForPath(hashList.urlsFor(key)[0] ?? '');
      if (type) wanted.push({ key, type });
    }
    const maxBytes = megabytesToBytes(s.maxAssetMB);
    await replicator.fetchLacking(peer, wanted.map(({ key, type }) => ({ key, type, maxBytes, timeoutMs: 10_000, stallMs: 2_000 })), REPLICATE_MAX);
  }

  /**
   * replicatePopular: copy the popular blocks LAN nodes hold that we lack, so a first visit to a
   * site can already be served locally; in a group, learn the group's bindings first. Bounded
   * per round; verified like every block.
   */
  async function replicate(): Promise<void> {
    const s = init.settings();
    const node = init.node();
    if (!node || !s) return;
    for (const { id, peer } of lanNodes()) {
      try {
        await take(peer, await replicator.pull(peer, { have: s.replicatePopular, bindings: sharesGroupBindings(s), now: Date.now() }));
      } catch (e) {
        if (isPeerFault(e)) penalty.penalise(id);
        log(`replication from ${id}: ${String(e)}`);
      }
    }
  }

  /** Tells the LAN nodes what they were not told yet: listed blocks held, and in a group the bindings observed. */
  async function tell(): Promise<void> {
    telling = undefined;
    const s = init.settings();
    const node = init.node();
    if (!node || !s || !init.running()) return;
    const have = (await store.blobs.list()).map((m) => m.mh).filter((k) => hashList.isListed(k) && !told.has(k));
    const bindings = sharesGroupBindings(s) ? (await observedBindings(store, hashList)).filter((b) => !told.has(`${b.url} ${b.mh}`)) : [];
    if (have.length === 0 && bindings.length === 0) return;
    for (const k of have) told.add(k);
    for (const b of bindings) told.add(`${b.url} ${b.mh}`);
    for (const { id, peer } of lanNodes()) {
      await sendUpdate(node, peer, { have, bindings }).catch((e: unknown) => log(`update to ${id}: ${String(e)}`));
    }
  }

  return {
    fetchInto,
    /** An update a LAN node told (`/peercache/update/1.0.0`). */
    take,
    replicate,
    /** This browser learned something: tell the LAN nodes soon, with whatever else is learned meanwhile. */
    learned(): void {
      if (!init.node() || !init.running()) return;
      telling ??= setTimeout(() => void tell().catch((e: unknown) => log(`telling the LAN nodes: ${String(e)}`)), TELL_AFTER_MS);
    },
    /** The node stopped: a new one tells its LAN nodes everything again. */
    reset(): void {
      told = new Set();
      clearTimeout(telling);
      telling = undefined;
    },
  };
}
