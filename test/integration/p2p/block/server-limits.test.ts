/**
 * The real server against raw and honest clients: bad requests are refused or reset without
 * hurting anyone else, and every per-peer and upload limit holds on the wire.
 */
import type { Libp2p } from '@libp2p/interface';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keyToMultihash } from '../../../../src/core/integrity/index.ts';
import { MonthlyCap, PenaltyBox, TokenBucket, createUploadBucket } from '../../../../src/core/limits/index.ts';
import {
  BLOCK_PROTOCOL,
  createBlockServer,
  encodeRequest,
  fetchBlock,
  type BlockLookup,
  type BlockServerInit,
} from '../../../../src/p2p/block/index.ts';
import { addressOf, bytesOf, delay, keyOf, readAll, sendAll, startNode } from './nodes.ts';

const MiB = 1024 * 1024;
const BLOCK = bytesOf(1000, 11);
let KEY: string;
let alice: Libp2p;
let bob: Libp2p;
const servers: Libp2p[] = [];

beforeAll(async () => {
  [alice, bob] = await Promise.all([startNode(), startNode()]);
  KEY = await keyOf(BLOCK);
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((node) => node.stop()));
});

afterAll(async () => {
  await Promise.all([alice?.stop(), bob?.stop()]);
});

const holding = (blocks: Uint8Array[]) => {
  const byKey = Promise.all(blocks.map(async (b) => [await keyOf(b), b] as const)).then((entries) => new Map(entries));
  return async (key: string): Promise<BlockLookup> => {
    const bytes = (await byKey).get(key);
    return bytes === undefined ? { status: 'not-found' } : { status: 'found', bytes };
  };
};

/** A node serving the block protocol with `init` (getBlock defaults to holding BLOCK). */
async function serve(init: Partial<BlockServerInit> = {}): Promise<Libp2p> {
  const node = await startNode();
  servers.push(node);
  const server = createBlockServer({ getBlock: holding([BLOCK]), ...init });
  await node.handle(server.protocol, server.handler, { maxInboundStreams: server.maxInboundStreams });
  return node;
}

/** Send raw request bytes; collect the raw answer and whether the stream was reset. */
async function rawRequest(from: Libp2p, to: Libp2p, bytes: Uint8Array, closeWrite = true) {
  const stream = await from.dialProtocol(addressOf(to), BLOCK_PROTOCOL);
  const answer = readAll(stream);
  await sendAll(stream, bytes);
  if (closeWrite) await stream.close();
  return answer;
}

const get = (from: Libp2p, to: Libp2p, key = KEY) => fetchBlock(from, addressOf(to), key, { maxBytes: MiB, stallMs: 3000 });

describe('the block server against bad requests', () => {
  it.each([
    ['sha1 (code 0x11)', [0x11, 20, ...bytesOf(20, 1)]],
    ['a truncated sha2-256 digest', [0x12, 20, ...bytesOf(20, 1)]],
    ['blake2b-256 (a 3-byte code)', [0xa0, 0xe4, 0x02, 32, ...bytesOf(32, 1)]],
  ])('refuses a well-formed multihash it does not serve (%s), then serves the next request', async (_name, multihash) => {
    const server = await serve();
    const { bytes, error } = await rawRequest(alice, server, encodeRequest(Uint8Array.from(multihash)));
    expect(error).toBeUndefined();
    expect([...bytes]).toEqual([2]);
    expect(await get(alice, server)).toEqual({ status: 'found', bytes: BLOCK });
  });

  it.each([
    ['a 10-byte varint', new Uint8Array(10).fill(0xff)],
    ['a length over 66', Uint8Array.of(100, ...bytesOf(100, 1))],
    ['a length of 0', Uint8Array.of(0)],
    ['lengths that do not add up', Uint8Array.of(34, 0x12, 31, ...bytesOf(32, 1))],
    ['two requests on one stream', Uint8Array.of(...encodeRequest(Uint8Array.of(0x11, 1, 1)), ...encodeRequest(Uint8Array.of(0x11, 1, 1)))],
    ['a request cut short', Uint8Array.of(34, 0x12, 32, 1, 2, 3)],
  ])('resets the stream on garbage (%s), penalises the sender, keeps serving others', async (_name, garbage) => {
    const penaltyBox = new PenaltyBox();
    const server = await serve({ limits: { penaltyBox } });
    const { bytes, error } = await rawRequest(alice, server, garbage);
    expect(bytes.length).toBe(0);
    expect(error?.name).toBe('StreamResetError');
    expect(penaltyBox.isPenalised(alice.peerId.toString())).toBe(true);
    expect(await get(alice, server)).toEqual({ status: 'refused' });
    expect(await get(bob, server)).toEqual({ status: 'found', bytes: BLOCK });
  });

  it('gives up on a request that does not arrive within requestMs, without a penalty', async () => {
    const penaltyBox = new PenaltyBox();
    const server = await serve({ limits: { penaltyBox }, timeouts: { requestMs: 300 } });
    const started = performance.now();
    const { bytes, error } = await rawRequest(alice, server, Uint8Array.of(34, 0x12), false);
    expect(performance.now() - started).toBeLessThan(300 + 700);
    expect(bytes.length).toBe(0);
    expect(error?.name).toBe('StreamResetError');
    expect(penaltyBox.isPenalised(alice.peerId.toString())).toBe(false);
  });

  it('refuses when getBlock fails, and survives it', async () => {
    let fail = true;
    const server = await serve({
      getBlock: async () => {
        if (fail) throw new Error('disk on fire');
        return { status: 'found', bytes: BLOCK };
      },
    });
    expect(await get(alice, server)).toEqual({ status: 'refused' });
    fail = false;
    expect(await get(alice, server)).toEqual({ status: 'found', bytes: BLOCK });
  });
});

describe('per-peer limits', () => {
  it('refuses streams over maxConcurrentPerPeer, per peer, and frees the slots afterwards', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inLookup = 0;
    const lookup = holding([BLOCK]);
    const server = await serve({
      limits: { maxConcurrentPerPeer: 3 },
      getBlock: async (key) => {
        inLookup++;
        await gate;
        return lookup(key);
      },
    });
    const results = Array.from({ length: 6 }, () => get(alice, server));
    const bobsTurn = get(bob, server);
    const settled: string[] = [];
    results.forEach((r) => void r.then((x) => settled.push(x.status), (e: Error) => settled.push(e.name)));
    for (let i = 0; i < 100 && (inLookup < 4 || settled.length < 3); i++) await delay(20);
    expect(inLookup).toBe(4); // alice's 3 slots and bob's own
    expect(settled).toEqual(['refused', 'refused', 'refused']);
    release();
    const statuses = (await Promise.all(results)).map((r) => r.status).sort();
    expect(statuses).toEqual(['found', 'found', 'found', 'refused', 'refused', 'refused']);
    expect((await bobsTurn).status).toBe('found');
    expect((await get(alice, server)).status).toBe('found');
  });

  it('resets a reader that stops reading once writeStallMs passes, and its slot serves the next request', async () => {
    const BIG = bytesOf(8 * MiB, 12);
    const logged: string[] = [];
    const server = await serve({
      getBlock: holding([BIG, BLOCK]),
      limits: { maxConcurrentPerPeer: 1 },
      timeouts: { writeStallMs: 500 },
      log: (message, ...args) => logged.push([message, ...args].join(' ')),
    });
    // Alice asks for 8 MiB and reads nothing: yamux's window and the buffers fill, the server waits to write.
    const stalled = await alice.dialProtocol(addressOf(server), BLOCK_PROTOCOL);
    stalled.pause();
    stalled.send(encodeRequest(keyToMultihash(await keyOf(BIG)).bytes));
    await stalled.close();
    // While it holds alice's one slot, her next request is refused...
    expect((await get(alice, server)).status).toBe('refused');
    // ...until the server gives up on the stalled stream and resets it.
    for (let i = 0; i < 150 && !logged.some((l) => l.includes('the peer to read')); i++) await delay(20);
    expect(logged.find((l) => l.includes('failed'))).toMatch(/the peer to read/);
    expect(await get(alice, server)).toEqual({ status: 'found', bytes: BLOCK });
  });

  it('refuses requests over requestsPerMinutePerPeer, per peer', async () => {
    const server = await serve({ limits: { requestsPerMinutePerPeer: 5 } });
    const statuses: string[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await get(alice, server)).status);
    expect(statuses).toEqual(['found', 'found', 'found', 'found', 'found', 'refused', 'refused', 'refused']);
    expect((await get(bob, server)).status).toBe('found');
  });

  it('refuses a penalised peer without looking the block up', async () => {
    const penaltyBox = new PenaltyBox({ durationMs: 60_000 });
    penaltyBox.penalise(alice.peerId.toString());
    let lookups = 0;
    const server = await serve({ limits: { penaltyBox }, getBlock: async () => (lookups++, { status: 'found', bytes: BLOCK }) });
    expect(await get(alice, server)).toEqual({ status: 'refused' });
    expect(lookups).toBe(0);
  });
});

describe('upload limits', () => {
  it('paces a transfer by the upload bucket: N bytes at R bytes/s take about N/R', async () => {
    const size = MiB;
    const rate = MiB; // bytes per second
    const block = bytesOf(size, 21);
    const bucket = new TokenBucket({ capacity: 64 * 1024, refillPerSecond: rate });
    let uploaded = 0;
    const server = await serve({
      getBlock: holding([block]),
      limits: { uploadBucket: bucket, onUpload: (_peer, n) => void (uploaded += n) },
    });
    await alice.dial(addressOf(server));
    const started = performance.now();
    const result = await fetchBlock(alice, server.peerId, await keyOf(block), { maxBytes: 2 * MiB });
    const seconds = (performance.now() - started) / 1000;
    expect(result).toEqual({ status: 'found', bytes: block });
    expect(seconds).toBeGreaterThanOrEqual((0.8 * size) / rate);
    expect(seconds).toBeLessThan(size / rate + 1.5);
    expect(bucket.taken).toBe(size);
    expect(uploaded).toBe(size);
    console.info(`1 MiB paced at 1 MiB/s with a 64 KiB burst: ${seconds.toFixed(2)} s`);
  });

  it('refuses everything when the upload limit is 0 kbit/s', async () => {
    let uploaded = 0;
    const server = await serve({ limits: { uploadBucket: createUploadBucket(0), onUpload: (_p, n) => void (uploaded += n) } });
    expect(await get(alice, server)).toEqual({ status: 'refused' });
    expect(uploaded).toBe(0);
  });

  it('refuses once the monthly cap is spent, charging whole blocks', async () => {
    const cap = new MonthlyCap({ capBytes: 1500 });
    const server = await serve({ limits: { monthlyCap: cap } });
    expect((await get(alice, server)).status).toBe('found');
    expect(await get(alice, server)).toEqual({ status: 'refused' });
    expect(cap.used()).toBe(1000);
  });

  it('refuses blocks over maxBlockBytes', async () => {
    const server = await serve({ limits: { maxBlockBytes: 999 } });
    expect(await get(alice, server)).toEqual({ status: 'refused' });
  });
});
