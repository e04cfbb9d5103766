/**
 * How the LAN node's hosted cache fills: when a browser connects, the node asks it which
 * popular (publicly listed) blocks it holds and fetches those it lacks, verified, so every
 * other browser of the office can get them from the node. Answers the same question for
 * browsers from its own cache. Bounded per connection; one round at a time per peer.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Libp2p, PeerId } from '@libp2p/interface';
import { parseHashList, type HashList } from '../core/hash-list/index.ts';
import { fetchBlock, isPeerFault } from '../p2p/block/index.ts';
import { createHaveServer, fetchHave } from '../p2p/have/index.ts';
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
  /** Ask every connected browser again this often (what they learned since). Default 60 s. */
  pullEveryMs?: number;
}): Promise<{ stop(): void }> {
  const { node, cache, hashList, log } = init;
  const have = createHaveServer(async () => (await cache.keys()).filter((k) => hashList.isListed(k)));
  await node.handle(have.protocol, have.handler);
  const busy = new Set<string>();

  async function pullFrom(peer: PeerId): Promise<void> {
    const id = peer.toString();
    if (busy.has(id)) return;
    busy.add(id);
    try {
      const offered = await fetchHave(node, peer);
      const wanted = [];
      for (const key of offered) if (hashList.isListed(key) && !(await cache.has(key))) wanted.push(key);
      let got = 0;
      for (const key of wanted.slice(0, MAX_PER_ROUND)) {
        const r = await fetchBlock(node, peer, key, { maxBytes: MAX_BLOCK_BYTES, timeoutMs: 10_000 });
        if (r.status !== 'found') continue;
        await cache.put(key, r.bytes);
        init.onBytesIn(r.bytes.byteLength);
        got++;
      }
      if (got > 0) log(`hosted ${got} popular block(s) from ${id}`);
    } catch (e) {
      if (isPeerFault(e)) await node.hangUp(peer).catch(() => undefined);
      // Peers that do not speak the protocol (other tools) are simply not asked again.
      log(`replication from ${id}: ${(e as Error).message}`);
    } finally {
      busy.delete(id);
    }
  }

  const speaksHave = new Set<string>();
  node.addEventListener('peer:identify', (event) => {
    if (!event.detail.protocols.includes(have.protocol)) return;
    speaksHave.add(event.detail.peerId.toString());
    void pullFrom(event.detail.peerId);
  });
  // Browsers learn files after they connect: ask again now and then (bounded: one round per
  // peer at a time, connected peers only).
  const timer = setInterval(() => {
    for (const conn of node.getConnections()) if (speaksHave.has(conn.remotePeer.toString())) void pullFrom(conn.remotePeer);
  }, init.pullEveryMs ?? 60_000);
  return { stop: () => clearInterval(timer) };
}
