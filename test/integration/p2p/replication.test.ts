/**
 * The replication loop the LAN node and browsers share (src/p2p/replication.ts), between two
 * real libp2p nodes on loopback: held blocks are not fetched again, a block two callers want
 * crosses once, bytes that do not hash to their key are never kept, and a round tries at most
 * its bound of blocks however many a peer announces.
 */
import type { Libp2p } from '@libp2p/interface';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBlockServer } from '../../../src/p2p/block/index.ts';
import { createReplicator, type BlockWant } from '../../../src/p2p/replication.ts';
import { addressOf, bytesOf, keyOf, startNode } from './block/nodes.ts';

let server: Libp2p;
let client: Libp2p;
const blocks = [bytesOf(300_000, 1), bytesOf(200_000, 2), bytesOf(100_000, 3), bytesOf(50_000, 4)];
let keys: string[];
let liar: string;
const asked: string[] = [];

beforeAll(async () => {
  keys = await Promise.all(blocks.map((b) => keyOf(b)));
  liar = await keyOf(bytesOf(1000, 9));
  server = await startNode();
  client = await startNode();
  const held = new Map(keys.map((k, i) => [k, blocks[i]!]));
  const blockServer = createBlockServer({
    getBlock: async (k) => {
      asked.push(k);
      // Asked for `liar`, it sends other bytes than the key names.
      if (k === liar) return { status: 'found', bytes: bytesOf(1000, 10) };
      const bytes = held.get(k);
      return bytes ? { status: 'found', bytes } : { status: 'not-found' };
    },
  });
  await server.handle(blockServer.protocol, blockServer.handler, { maxInboundStreams: blockServer.maxInboundStreams });
  await client.dial(addressOf(server));
});
afterAll(async () => {
  await client?.stop();
  await server?.stop();
});

it('fetches what is lacking, verified, once per block, at most the round\'s bound', async () => {
  const kept = new Map<string, Uint8Array>([[keys[0]!, blocks[0]!]]);
  const replicator = createReplicator({
    node: () => client,
    has: (k) => kept.has(k),
    put: async (_peer, want, bytes) => void kept.set(want.key, bytes),
  });
  const want = (key: string): BlockWant => ({ key, maxBytes: 1_000_000, timeoutMs: 5_000 });
  const peer = server.peerId;

  // Two callers wanting one block at once: one transfer.
  asked.length = 0;
  const [a, b] = await Promise.all([replicator.fetchInto(peer, want(keys[1]!)), replicator.fetchInto(peer, want(keys[1]!))]);
  expect([a, b]).toEqual([true, true]);
  expect(asked).toEqual([keys[1]]);

  // A round: held blocks are skipped without counting, and its bound (1 try) leaves the last
  // block for the next round.
  asked.length = 0;
  expect(await replicator.fetchLacking(peer, keys.map(want), 1)).toEqual([keys[2]]);
  expect(asked).toEqual([keys[2]]);
  expect(kept.get(keys[2]!)).toEqual(blocks[2]);

  // Bytes that do not hash to their key end the round as the peer's fault, and are not kept.
  await expect(replicator.fetchLacking(peer, [liar, keys[3]!].map(want), 5)).rejects.toMatchObject({ name: 'BlockIntegrityError' });
  expect(kept.has(liar)).toBe(false);
  expect(kept.has(keys[3]!)).toBe(false);
});

it('does not fetch a block stored while its fetch waited for a slot (a page learned it meanwhile)', async () => {
  const kept = new Map<string, Uint8Array>();
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const replicator = createReplicator({
    node: () => client,
    has: (k) => kept.has(k),
    put: async (_peer, want, bytes) => void kept.set(want.key, bytes),
    // One slot, held until the test lets it go.
    slot: async (job) => {
      await gate;
      return job();
    },
  });
  asked.length = 0;
  const fetching = replicator.fetchInto(server.peerId, { key: keys[3]!, maxBytes: 1_000_000, timeoutMs: 5_000 });
  // Stored by another path while the fetch waits.
  kept.set(keys[3]!, blocks[3]!);
  release();
  expect(await fetching).toBe(true);
  expect(asked).toEqual([]);
});

it('asks a peer what it holds and, when told to, the group\'s bindings', async () => {
  const replicator = createReplicator({ node: () => client, has: () => false, put: async () => undefined });
  // This server speaks neither question: the peer's answer is an error, not an empty list.
  await expect(replicator.pull(server.peerId, { have: true, bindings: false, now: Date.now() })).rejects.toThrow();
  // Nothing asked, nothing dialled.
  expect(await replicator.pull(server.peerId, { have: false, bindings: false, now: Date.now() })).toEqual({ have: [], bindings: [] });
});
