/**
 * How the LAN node's hosted cache fills: when a browser connects, the node asks it which
 * popular (publicly listed) blocks it holds and fetches those it lacks, verified, so every
 * other browser of the office can get them from the node. Answers the same question for
 * browsers from its own cache. With a group key it also collects the bindings members
 * observed (`/peercache/bindings/1.0.0`, group-bindings.ts) and hosts their blocks, so a
 * colleague's first visit to a site can be served locally. Bounded per connection; one round
 * at a time per peer.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Libp2p, PeerId } from '@libp2p/interface';
import { parseHashList, type HashList } from '../core/hash-list/index.ts';
import { fetchBlock, isPeerFault } from '../p2p/block/index.ts';
import { BINDINGS_PROTOCOL, createBindingsServer, fetchBindings } from '../p2p/bindings/index.ts';
import { createHaveServer, fetchHave } from '../p2p/have/index.ts';
import type { GroupBindingsBook } from './group-bindings.ts';
import type { HostedCache } from './hosted-cache.ts';

/** Most blocks fetched from one peer per connection. */
const MAX_PER_ROUND = 200;
const MAX_BLOCK_BYTES = 16 * 1024 * 1024;

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
}): Promise<{ stop(): void }> {
  const { node, cache, hashList, log, groupBindings } = init;
  const now = init.now ?? Date.now;
  const have = createHaveServer(async () => (await cache.keys()).filter((k) => hashList.isListed(k)));
  await node.handle(have.protocol, have.handler);
  if (groupBindings) {
    const book = createBindingsServer(async () => groupBindings.list());
    await node.handle(book.protocol, book.handler);
  }
  const busy = new Set<string>();

  async function pullFrom(peer: PeerId, protocols: readonly string[]): Promise<void> {
    const id = peer.toString();
    if (busy.has(id)) return;
    busy.add(id);
    try {
      const wanted = new Set<string>();
      if (protocols.includes(have.protocol)) {
        for (const key of await fetchHave(node, peer)) if (hashList.isListed(key) && !cache.has(key)) wanted.add(key);
      }
      if (groupBindings && protocols.includes(BINDINGS_PROTOCOL)) {
        const reported = await fetchBindings(node, peer, now());
        groupBindings.report(id, reported);
        await groupBindings.save().catch((e: Error) => log(`group bindings not saved: ${e.message}`));
        for (const b of reported) if (!cache.has(b.mh)) wanted.add(b.mh);
      }
      let got = 0;
      for (const key of [...wanted].slice(0, MAX_PER_ROUND)) {
        const r = await fetchBlock(node, peer, key, { maxBytes: MAX_BLOCK_BYTES, timeoutMs: 10_000 });
        if (r.status !== 'found') continue;
        await cache.put(key, r.bytes);
        init.onBytesIn(r.bytes.byteLength);
        got++;
      }
      if (got > 0) log(`hosted ${got} block(s) from ${id}`);
    } catch (e) {
      if (isPeerFault(e)) await node.hangUp(peer).catch(() => undefined);
      // Peers that do not speak the protocol (other tools) are simply not asked again.
      log(`replication from ${id}: ${(e as Error).message}`);
    } finally {
      busy.delete(id);
    }
  }

  const ours = groupBindings ? [have.protocol, BINDINGS_PROTOCOL] : [have.protocol];
  const speaks = new Map<string, string[]>();
  node.addEventListener('peer:identify', (event) => {
    const protocols = ours.filter((p) => event.detail.protocols.includes(p));
    if (protocols.length === 0) return;
    speaks.set(event.detail.peerId.toString(), protocols);
    void pullFrom(event.detail.peerId, protocols);
  });
  // Browsers learn files after they connect: ask again now and then (bounded: one round per
  // peer at a time, connected peers only).
  const timer = setInterval(() => {
    for (const conn of node.getConnections()) {
      const protocols = speaks.get(conn.remotePeer.toString());
      if (protocols) void pullFrom(conn.remotePeer, protocols);
    }
  }, init.pullEveryMs ?? 60_000);
  return { stop: () => clearInterval(timer) };
}
