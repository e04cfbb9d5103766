/**
 * The replication loop the LAN node (node/replication.ts) and a browser (extension/peers/
 * lan-sync.ts) both run: ask a peer what it holds and, in a group, what the group observed;
 * then fetch, verified, the blocks wanted and still lacking, one fetch per block at a time,
 * a bounded number a round. What each side counts, wants and keeps stays with it (the node
 * hosts every reported block and counts reports in its book; a browser copies only what its
 * privacy gate could serve, into its store with a content type); this is the part they share.
 */
import type { Libp2p, PeerId } from '@libp2p/interface';
import { fetchBindings } from './bindings/index.ts';
import { fetchBlock } from './block/index.ts';
import { fetchHave } from './have/index.ts';
import type { Update } from './update/index.ts';

/** How one block is fetched: its size bound, time bounds and (for a browser's store) its content type. */
export interface BlockWant {
  readonly key: string;
  readonly maxBytes: number;
  readonly timeoutMs: number;
  /** Longest silence mid-transfer (default: the block client's). */
  readonly stallMs?: number;
  readonly type?: string;
}

export interface ReplicatorInit {
  node: () => Pick<Libp2p, 'dialProtocol'> | undefined;
  has: (key: string) => boolean | Promise<boolean>;
  /** Keeps a verified block fetched from `peer`. */
  put: (peer: PeerId, want: BlockWant, bytes: Uint8Array) => Promise<void>;
  /** Runs each transfer (blocks and answers): the node's cap on transfers in all. Default: at once. */
  slot?: <T>(job: () => Promise<T>) => Promise<T>;
}

export interface Replicator {
  /** `want.key` from `peer`, verified, kept; true once it is held. One fetch per key at a time. */
  fetchInto(peer: PeerId, want: BlockWant): Promise<boolean>;
  /** What `peer` holds (its have list) and, when asked, the group's bindings it tells. */
  pull(peer: PeerId, ask: { have: boolean; bindings: boolean; now: number }): Promise<Update>;
  /**
   * Fetches the wanted blocks still lacking, in order, at most `max` of them tried (held ones
   * are skipped, not counted: a peer announcing junk keys costs at most `max` tries a round).
   * Returns the keys fetched now.
   */
  fetchLacking(peer: PeerId, wanted: Iterable<BlockWant>, max: number): Promise<string[]>;
}

export function createReplicator(init: ReplicatorInit): Replicator {
  const slot = init.slot ?? (<T>(job: () => Promise<T>) => job());
  // An update and a replication round (or a page's request) often want the same block.
  const inFlight = new Map<string, Promise<boolean>>();

  function fetchInto(peer: PeerId, want: BlockWant): Promise<boolean> {
    const running = inFlight.get(want.key);
    if (running) return running;
    const fetching = (async () => {
      const node = init.node();
      if (!node) return false;
      // Checked once the slot is ours, not before: while it waited (a round's other blocks), a
      // page's learning or another peer's copy may have stored the block; no second transfer.
      const r = await slot(async () => ((await init.has(want.key)) ? 'held' : fetchBlock(node, peer, want.key, { maxBytes: want.maxBytes, timeoutMs: want.timeoutMs, ...(want.stallMs ? { stallMs: want.stallMs } : {}) })));
      if (r === 'held') return true;
      if (r.status !== 'found') return false;
      await init.put(peer, want, r.bytes);
      return true;
    })().finally(() => inFlight.delete(want.key));
    inFlight.set(want.key, fetching);
    return fetching;
  }

  return {
    fetchInto,

    async pull(peer, ask) {
      const node = init.node();
      if (!node) return { have: [], bindings: [] };
      const have = ask.have ? await slot(() => fetchHave(node, peer)) : [];
      const bindings = ask.bindings ? await slot(() => fetchBindings(node, peer, ask.now)) : [];
      return { have, bindings };
    },

    async fetchLacking(peer, wanted, max) {
      const fetched: string[] = [];
      let tried = 0;
      for (const want of wanted) {
        if (tried >= max) break;
        if (await init.has(want.key)) continue;
        tried++;
        if (await fetchInto(peer, want)) fetched.push(want.key);
      }
      return fetched;
    },
  };
}
