/**
 * The block server's limits in all and per IP address (issue 10, item 4), and blocks served as
 * bodies read piece by piece: clients on loopback, each "machine" dialling from an address of
 * its own (127.0.0.2, 127.0.0.3, …), peer ids made at will as an attacker would.
 */
import type { Libp2p } from '@libp2p/interface';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BlockResetError,
  createBlockServer,
  fetchBlock,
  isPeerFault,
  type BlockBody,
  type BlockLimit,
  type BlockLookup,
  type BlockServerInit,
} from '../../../../src/p2p/block/index.ts';
import { MonthlyCap } from '../../../../src/core/limits/index.ts';
import { addressOf, bytesOf, keyOf, startNode } from './nodes.ts';
import { waitFor } from '../../../support/wait.ts';

const MiB = 1024 * 1024;
const BLOCK = bytesOf(1000, 31);
const started: Libp2p[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((n) => n.stop()));
});

async function node(localAddress?: string): Promise<Libp2p> {
  const n = await startNode(undefined, localAddress);
  started.push(n);
  return n;
}

/** A server whose lookups wait for `open()`, so streams stay in progress until the test says. */
async function gatedServer(init: Partial<BlockServerInit> = {}) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const limited: BlockLimit[] = [];
  const key = await keyOf(BLOCK);
  let inLookup = 0;
  const server = await node();
  const blocks = createBlockServer({
    getBlock: async (k) => {
      inLookup++;
      await gate;
      return k === key ? { status: 'found', bytes: BLOCK } : { status: 'not-found' };
    },
    ...init,
    limits: { ...init.limits, onLimit: (limit) => void limited.push(limit) },
  });
  await server.handle(blocks.protocol, blocks.handler, { maxInboundStreams: blocks.maxInboundStreams });
  const get = (from: Libp2p) => fetchBlock(from, addressOf(server), key, { maxBytes: MiB, timeoutMs: 10_000 });
  return { open, limited, get, inLookup: () => inLookup };
}

describe('limits in all and per address', () => {
  it('refuses any peer over maxConcurrentTotal, and serves again once streams finish', async () => {
    const s = await gatedServer({ limits: { maxConcurrentTotal: 3 } });
    const [alice, bob, carol] = [await node('127.0.0.2'), await node('127.0.0.3'), await node('127.0.0.4')];
    const held = [s.get(alice), s.get(alice), s.get(bob)];
    await waitFor(() => s.inLookup() === 3, 4_000, '3 lookups under way', 20);
    expect(await s.get(carol)).toEqual({ status: 'refused' });
    expect(s.limited).toEqual(['total-streams']);
    s.open();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual(['found', 'found', 'found']);
    expect(await s.get(carol)).toEqual({ status: 'found', bytes: BLOCK });
  });

  it('counts every peer id of one address together: minted ids do not get past maxConcurrentPerAddress', async () => {
    const s = await gatedServer({ limits: { maxConcurrentPerAddress: 2 } });
    const minted = [await node('127.0.0.2'), await node('127.0.0.2'), await node('127.0.0.2')];
    const other = await node('127.0.0.3');
    const held = [s.get(minted[0]!), s.get(minted[1]!)];
    await waitFor(() => s.inLookup() === 2, 4_000, '2 lookups under way', 20);
    expect(await s.get(minted[2]!)).toEqual({ status: 'refused' });
    expect(s.limited).toEqual(['address-streams']);
    const otherMachine = s.get(other);
    await waitFor(() => s.inLookup() === 3, 4_000, '3 lookups under way', 20);
    s.open();
    expect((await otherMachine).status).toBe('found');
    expect((await Promise.all(held)).map((r) => r.status)).toEqual(['found', 'found']);
    expect((await s.get(minted[2]!)).status).toBe('found');
  });

  it('counts requests of all peer ids of one address against requestsPerMinutePerAddress', async () => {
    const s = await gatedServer({ limits: { requestsPerMinutePerAddress: 3 } });
    s.open();
    const statuses: string[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await s.get(await node('127.0.0.2'))).status);
    expect(statuses).toEqual(['found', 'found', 'found', 'refused', 'refused']);
    expect(s.limited).toEqual(['address-rate', 'address-rate']);
    expect((await s.get(await node('127.0.0.3'))).status).toBe('found');
  });
});

/** A body over `bytes` that records the pieces asked for and whether it was closed. */
function recordingBody(bytes: Uint8Array, over: Partial<BlockBody> = {}) {
  const seen = { pieces: [] as number[], closed: 0 };
  const body: BlockBody = {
    length: bytes.length,
    async *chunks(max) {
      for (let o = 0; o < bytes.length; o += max) {
        seen.pieces.push(Math.min(max, bytes.length - o));
        yield bytes.subarray(o, o + max);
      }
    },
    close: async () => void seen.closed++,
    ...over,
  };
  return { body, seen };
}

async function bodyServer(lookup: () => BlockLookup, init: Partial<BlockServerInit> = {}) {
  const server = await node();
  const blocks = createBlockServer({ getBlock: async () => lookup(), ...init });
  await server.handle(blocks.protocol, blocks.handler, { maxInboundStreams: blocks.maxInboundStreams });
  return server;
}

describe('a block served as a body', () => {
  it('is sent piece by piece as the peer takes it, verified by the client, and closed', async () => {
    const bytes = bytesOf(3 * MiB + 17, 5);
    const { body, seen } = recordingBody(bytes);
    const server = await bodyServer(() => ({ status: 'found', body }));
    const r = await fetchBlock(await node(), addressOf(server), await keyOf(bytes), { maxBytes: 4 * MiB });
    expect(r).toEqual({ status: 'found', bytes });
    expect(Math.max(...seen.pieces)).toBeLessThanOrEqual(64 * 1024);
    expect(seen.pieces.reduce((a, b) => a + b, 0)).toBe(bytes.length);
    expect(seen.closed).toBe(1);
  });

  it('that fails before its last piece makes a reset: the client has no block and does not blame the server', async () => {
    const bytes = bytesOf(MiB, 6);
    const { body } = recordingBody(bytes, {
      async *chunks(max) {
        for (let o = 0; o + max < bytes.length; o += max) yield bytes.subarray(o, o + max);
        throw new Error('the file on disk does not hash to its key');
      },
    });
    const server = await bodyServer(() => ({ status: 'found', body }));
    const error = await fetchBlock(await node(), addressOf(server), await keyOf(bytes), { maxBytes: 2 * MiB }).then(() => undefined, (e: Error) => e);
    expect(error).toBeInstanceOf(BlockResetError);
    expect(isPeerFault(error)).toBe(false);
  });

  it('that gives fewer bytes than it announced makes a reset, not a clean (truncated) end', async () => {
    const bytes = bytesOf(200_000, 7);
    const { body } = recordingBody(bytes.subarray(0, 150_000), { length: bytes.length });
    const server = await bodyServer(() => ({ status: 'found', body }));
    const error = await fetchBlock(await node(), addressOf(server), await keyOf(bytes), { maxBytes: MiB }).then(() => undefined, (e: Error) => e);
    expect(error).toBeInstanceOf(BlockResetError);
  });

  it('is closed unread when the answer is a refusal (monthly cap)', async () => {
    const { body, seen } = recordingBody(BLOCK);
    const server = await bodyServer(() => ({ status: 'found', body }), { limits: { monthlyCap: new MonthlyCap({ capBytes: 10 }) } });
    expect(await fetchBlock(await node(), addressOf(server), await keyOf(BLOCK), { maxBytes: MiB })).toEqual({ status: 'refused' });
    expect(seen).toEqual({ pieces: [], closed: 1 });
  });
});
