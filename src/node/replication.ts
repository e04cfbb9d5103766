/**
 * How the LAN node's hosted cache fills: when a browser connects, the node asks it which
 * popular (publicly listed) blocks it holds and fetches those it lacks, verified, so every
 * other browser of the office can get them from the node. Answers the same question for
 * browsers from its own cache. With a group key it also collects the bindings members
 * observed (`/peercache/bindings/1.0.0`, group-bindings.ts) and hosts their blocks, so a
 * colleague's first visit to a site can be served locally. Bounded per connection; one round
 * at a time per peer.
 *
 * Seconds, not minutes (`/peercache/update/1.0.0`): a member tells the node what it learned
 * the moment it learns it; the node fetches the block, verified, and then tells every member
 * what it now hosts and how the book changed, so a colleague's browser can serve the file a few
 * seconds after the first member's page loaded it. The periodic pulls stay as the catch-up.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface';
import { parseHashList, type HashList } from '../core/hash-list/index.ts';
import { isPeerFault } from '../p2p/block/index.ts';
import { BINDINGS_PROTOCOL, createBindingsServer } from '../p2p/bindings/index.ts';
import { createHaveServer } from '../p2p/have/index.ts';
import { createReplicator } from '../p2p/replication.ts';
import { createLookupServer, LOOKUP_PROTOCOL, MAX_LOOKUP_WAIT_MS } from '../p2p/lookup/index.ts';
import { createUpdateServer, sendUpdate, UPDATE_PROTOCOL, type Update } from '../p2p/update/index.ts';
import type { GroupBinding } from '../p2p/bindings/index.ts';
import { createBatchedSave } from './batched-save.ts';
import type { GroupBindingsBook } from './group-bindings.ts';
import type { HostedCache } from './hosted-cache.ts';
import { createLookups, type Lookups } from './lookups.ts';
import { remoteHostOf } from '../p2p/remote-host.ts';

/** Most blocks fetched from one peer per connection. */
const MAX_PER_ROUND = 200;
const MAX_BLOCK_BYTES = 16 * 1024 * 1024;
/**
 * Transfers from peers in progress at once, all peers together (issue 10, item 4). Each holds
 * what it reads in memory: a block of up to 16 MiB, a have list, a bindings answer of up to
 * 4 MiB. Rounds run one at a time per peer, but peer ids are free to make: without this, many
 * ids announcing large blocks (and sending them slowly) made the node hold one each.
 */
const MAX_TRANSFERS = 2;

type Handler = (stream: Stream, connection: Connection) => Promise<void>;

/** The public hash list the extension ships (the node reads the same file). */
export async function loadNodeHashList(): Promise<HashList> {
  return parseHashList(new Uint8Array(await readFile(join(import.meta.dirname, '..', '..', 'extension', 'hash-list.bin'))));
}

export async function startReplication(init: {
  node: Libp2p;
  cache: HostedCache;
  hashList: HashList;
  log: (line: string) => void;
  onBytesIn: (bytes: number) => void;
  /** The group's bindings (only with a group key: bindings never travel outside a group). */
  groupBindings?: GroupBindingsBook;
  now?: () => number;
  /** Ask every connected browser again this often (what they learned since). Default 60 s. */
  pullEveryMs?: number;
  /** How long a lookup may wait for another member's download (default 10 s). */
  lookupWaitMs?: number;
  /**
   * Peer ids of the other LAN nodes of this group pinned by configuration (`--peer`): their
   * books' holder counts are merged into ours. Anyone else (a member, a node found by mDNS) counts
   * as one reporter: any member holds the group key and could pose as a node claiming any count.
   */
  trustedNodes?: ReadonlySet<string>;
  /** Wraps each protocol's handler in the node's stream caps (stream-gate.ts); default none. */
  limitStreams?: (protocol: string, handler: Handler) => Handler;
}): Promise<{ stop(): Promise<void>; lookups: Lookups }> {
  const { node, cache, hashList, log, groupBindings } = init;
  const now = init.now ?? Date.now;
  const handle = (s: { protocol: string; handler: Handler }): Promise<void> => node.handle(s.protocol, init.limitStreams?.(s.protocol, s.handler) ?? s.handler);
  const replicator = createReplicator({
    node: () => node,
    has: (key) => cache.has(key),
    put: async (_peer, want, bytes) => {
      await cache.put(want.key, bytes);
      init.onBytesIn(bytes.byteLength);
      // Waiting askers get the block as soon as it is here, not after the whole round.
      lookups.changed();
    },
    slot: createSlots(MAX_TRANSFERS),
  });
  const have = createHaveServer(async () => (await cache.keys()).filter((k) => hashList.isListed(k)));
  await handle(have);
  /** Connected peers that are LAN nodes (they answer lookups; browsers never do): told counts without their own part. */
  const nodes = new Set<string>();
  const toNode = (id: string): string | undefined => (nodes.has(id) ? id : undefined);
  if (groupBindings) await handle(createBindingsServer(async (peer) => groupBindings.list(toNode(peer))));
  const lookups = createLookups({
    held: (url) => {
      const listed = hashList.lookup(url);
      if (listed) return cache.has(listed.key) ? { mh: listed.key } : undefined;
      const b = groupBindings?.best(url);
      return b && cache.has(b.mh) ? { mh: b.mh, binding: b } : undefined;
    },
    // A member's download reaches the node when the URL is listed (its have update) or, in a
    // group, as its observed binding; otherwise nobody would ever tell, and waiting is useless.
    coalesces: (url) => groupBindings !== undefined || hashList.lookup(url) !== undefined,
    now,
    maxWaitMs: init.lookupWaitMs ?? MAX_LOOKUP_WAIT_MS - 1_000,
  });
  await handle(createLookupServer((peer, url) => lookups.answer(peer, url)));

  // Which of our protocols each connected peer speaks (from identify).
  const speaks = new Map<string, string[]>();
  const announce = createAnnouncer({ node, groupBindings, log, toNode, members: () => [...speaks].filter(([, p]) => p.includes(UPDATE_PROTOCOL)).map(([id]) => id) });
  const saveBook = createBatchedSave(async () => groupBindings?.save(), log, 'group bindings');
  /** The IP address `peer` is connected from (the brake on minted ids counts per address). */
  const addressOf = (peer: PeerId): string | undefined => node.getConnections(peer).map((c) => remoteHostOf(c.remoteAddr)).find((a) => a !== undefined);

  /**
   * Takes in what `peer` holds or observed: reports its bindings to the book, fetches the blocks
   * the node lacks (verified), then announces what changed. Runs one at a time per peer.
   */
  async function take(peer: PeerId, reported: Update): Promise<void> {
    const id = peer.toString();
    const wanted = new Set<string>();
    for (const key of reported.have) if (hashList.isListed(key) && !cache.has(key)) wanted.add(key);
    let changed: string[] = [];
    if (groupBindings && reported.bindings.length > 0) {
      if (init.trustedNodes?.has(id)) changed = groupBindings.merge(id, reported.bindings);
      else {
        const before = new Map(reported.bindings.map((b) => [b.url, groupBindings.best(b.url)]));
        groupBindings.report(id, reported.bindings, addressOf(peer));
        changed = [...before].filter(([url, was]) => {
          const now = groupBindings.best(url);
          return now !== undefined && (was?.mh !== now.mh || was.holders !== now.holders || String(was.sites) !== String(now.sites));
        }).map(([url]) => url);
      }
      saveBook();
      for (const b of reported.bindings) if (!cache.has(b.mh)) wanted.add(b.mh);
    }
    const hosted = await replicator.fetchLacking(peer, [...wanted].map((key) => ({ key, maxBytes: MAX_BLOCK_BYTES, timeoutMs: 10_000 })), MAX_PER_ROUND);
    if (hosted.length > 0) log(`hosted ${hosted.length} block(s) from ${id}`);
    // Only what changed: a report repeated, or another node echoing what we told it, ends here.
    announce.add(hosted.filter((k) => hashList.isListed(k)), changed);
  }

  const rounds = new Map<string, Promise<void>>();
  const queued = new Map<string, number>();
  /** Runs `job` for `peer` after its earlier ones; at most two wait (later ones are dropped: the pulls catch up). */
  function serially(peer: PeerId, job: () => Promise<Update>): void {
    const id = peer.toString();
    if ((queued.get(id) ?? 0) >= 2) return;
    queued.set(id, (queued.get(id) ?? 0) + 1);
    const run = (rounds.get(id) ?? Promise.resolve())
      .then(async () => take(peer, await job()))
      .catch(async (e: unknown) => {
        if (isPeerFault(e)) await node.hangUp(peer).catch(() => undefined);
        // Peers that do not speak the protocol (other tools) are simply not asked again.
        log(`replication from ${id}: ${(e as Error).message}`);
      })
      .finally(() => {
        const n = (queued.get(id) ?? 1) - 1;
        if (n === 0) {
          queued.delete(id);
          rounds.delete(id);
        } else queued.set(id, n);
      });
    rounds.set(id, run);
  }

  const pull = (peer: PeerId, protocols: readonly string[]): Promise<Update> =>
    replicator.pull(peer, { have: protocols.includes(have.protocol), bindings: groupBindings !== undefined && protocols.includes(BINDINGS_PROTOCOL), now: now() });

  const updates = createUpdateServer({
    // Anyone past the gater (and the group key) may say what it holds: every block is verified,
    // bindings count only inside a group, and each peer's updates run one at a time.
    accept: () => true,
    onUpdate: (peer, u) => serially(peer, async () => ({ have: u.have, bindings: groupBindings ? u.bindings : [] })),
    onFault: (peer, e) => {
      log(`update from ${peer.toString()}: ${e.message}`);
      void node.hangUp(peer).catch(() => undefined);
    },
    now,
  });
  await handle(updates);

  const ours = groupBindings ? [have.protocol, BINDINGS_PROTOCOL, UPDATE_PROTOCOL] : [have.protocol, UPDATE_PROTOCOL];
  node.addEventListener('peer:identify', (event) => {
    const protocols = ours.filter((p) => event.detail.protocols.includes(p));
    if (protocols.length === 0) return;
    if (event.detail.protocols.includes(LOOKUP_PROTOCOL)) nodes.add(event.detail.peerId.toString());
    speaks.set(event.detail.peerId.toString(), protocols);
    // A member's age runs from when it is first seen, reporting or not (group-members.ts).
    if (groupBindings && protocols.includes(BINDINGS_PROTOCOL)) groupBindings.seen(event.detail.peerId.toString(), addressOf(event.detail.peerId));
    serially(event.detail.peerId, () => pull(event.detail.peerId, protocols));
  });
  node.addEventListener('peer:disconnect', (event) => {
    speaks.delete(event.detail.toString());
    nodes.delete(event.detail.toString());
  });
  // Browsers that could not tell us (an update lost, an older version): ask again now and then
  // (bounded: one round per peer at a time, connected peers only).
  const timer = setInterval(() => {
    for (const conn of node.getConnections()) {
      const protocols = speaks.get(conn.remotePeer.toString());
      if (protocols) serially(conn.remotePeer, () => pull(conn.remotePeer, protocols));
    }
  }, init.pullEveryMs ?? 60_000);
  return {
    lookups,
    async stop() {
      clearInterval(timer);
      announce.stop();
      await saveBook.flush();
    },
  };
}

/** Runs at most `n` of the jobs given at once, the others in order as slots free up. */
function createSlots(n: number): <T>(job: () => Promise<T>) => Promise<T> {
  let running = 0;
  const queue: (() => void)[] = [];
  return async (job) => {
    if (running >= n) await new Promise<void>((resolve) => queue.push(resolve));
    else running++;
    try {
      return await job();
    } finally {
      // The slot passes straight to the next job waiting, if any.
      const next = queue.shift();
      if (next) next();
      else running--;
    }
  };
}

/** Fan-out of what changed to every member, gathered for {@link ANNOUNCE_MS} so a page's files travel in one update. */
const ANNOUNCE_MS = 100;

function createAnnouncer(init: { node: Libp2p; groupBindings: GroupBindingsBook | undefined; log: (line: string) => void; members: () => string[]; toNode: (id: string) => string | undefined }): {
  add(keys: readonly string[], urls: readonly string[]): void;
  stop(): void;
} {
  const keys = new Set<string>();
  const urls = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  function flush(): void {
    timer = undefined;
    const bindingsFor = (toNode?: string): GroupBinding[] => (init.groupBindings ? [...urls].map((u) => init.groupBindings!.best(u, toNode)).filter((b): b is GroupBinding => b !== undefined) : []);
    const bindings = bindingsFor();
    const have = [...keys];
    const targets = init.members();
    const toNodes = new Map(targets.filter((id) => init.toNode(id) !== undefined).map((id) => [id, bindingsFor(id)]));
    keys.clear();
    urls.clear();
    for (const id of targets) {
      const update = { have, bindings: toNodes.get(id) ?? bindings };
      if (update.have.length === 0 && update.bindings.length === 0) continue;
      const peer = init.node.getConnections().find((c) => c.remotePeer.toString() === id)?.remotePeer;
      if (peer) void sendUpdate(init.node, peer, update).catch((e: Error) => init.log(`update to ${id}: ${e.message}`));
    }
  }
  return {
    add(k, u) {
      if (stopped) return;
      for (const x of k) keys.add(x);
      for (const x of u) urls.add(x);
      if (keys.size + urls.size > 0) timer ??= setTimeout(flush, ANNOUNCE_MS);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
