/**
 * The LAN node under load (issue 10, item 4), with its production limits (node-limits.ts):
 * blocks read from disk as they are sent, a corrupt file caught while sending, caps on block
 * streams in all and per address, connections per address, relay reservations that end with
 * their peer. Clients dial from addresses of their own (127.0.0.2, …) as machines of an office.
 */
import type { Libp2p, Stream } from '@libp2p/interface';
import { randomBytes } from 'node:crypto';
import { access, open, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keyToMultihash } from '../../../src/core/integrity/index.ts';
import { keyOf } from '../../support/bytes.ts';
import { shardOf } from '../../../src/node/hosted-cache.ts';
import type { LanNode } from '../../../src/node/lan-node.ts';
import { BLOCK_LIMITS, CONNECTION_LIMITS } from '../../../src/node/node-limits.ts';
import { BLOCK_PROTOCOL, BlockResetError, encodeRequest, fetchBlock, type BlockBody } from '../../../src/p2p/block/index.ts';
import { loadNodeHashList } from '../../../src/node/replication.ts';
import { sendUpdate } from '../../../src/p2p/update/index.ts';
import { addressOf, startClient, startTestNode } from './harness.ts';
import { waitFor } from '../../support/wait.ts';
import { tempDir } from '../../support/lan-node.ts';

const MiB = 1024 * 1024;
const nodes: LanNode[] = [];
const clients: Libp2p[] = [];
afterEach(async () => {
  await Promise.all([...clients.splice(0).map((c) => c.stop()), ...nodes.splice(0).map((n) => n.stop())]);
});

async function lanNode(cacheMB = 16) {
  const dataDir = tempDir('lan-node');
  const started = await startTestNode({ cacheMB, dataDir });
  nodes.push(started.node);
  return { ...started, blocksDir: join(dataDir, 'blocks') };
}
async function machine(n: number): Promise<Libp2p> {
  const c = await startClient({ transport: 'tcp', localAddress: `127.0.0.${n}` });
  clients.push(c);
  return c;
}
async function hosted(lan: LanNode, size: number): Promise<{ key: string; bytes: Uint8Array }> {
  const bytes = new Uint8Array(randomBytes(size));
  const key = await keyOf(bytes, 'sha256');
  await lan.cache.put(key, bytes);
  return { key, bytes };
}

/**
 * Watches how the node reads blocks while it serves them: pieces read, bodies open, whole-block
 * reads (`get`). With `gate`, no piece is read until `open()`: streams stay in progress.
 */
function watchReads(lan: LanNode, gated = false) {
  const seen = { pieces: [] as number[], perBody: [] as number[], opened: 0, closed: 0, gets: 0 };
  let open!: () => void;
  const gate = gated ? new Promise<void>((r) => (open = r)) : Promise.resolve();
  const { read, get } = lan.cache;
  lan.cache.get = (key) => (seen.gets++, get(key));
  lan.cache.read = async (key) => {
    const body = await read(key);
    if (!body) return body;
    const index = seen.opened++;
    seen.perBody[index] = 0;
    const watched: BlockBody = {
      length: body.length,
      async *chunks(max) {
        await gate;
        for await (const piece of body.chunks(max)) {
          seen.pieces.push(piece.length);
          seen.perBody[index]! += piece.length;
          yield piece;
        }
      },
      close: async () => {
        seen.closed++;
        await body.close?.();
      },
    };
    return watched;
  };
  return { seen, open: () => open() };
}

/** Asks for `key` and never reads the answer (yamux then grants the node no more window). */
async function stalledStream(client: Libp2p, lan: LanNode, key: string): Promise<Stream> {
  const stream = await client.dialProtocol(addressOf(lan, 'tcp'), BLOCK_PROTOCOL);
  stream.pause();
  stream.send(encodeRequest(keyToMultihash(key).bytes));
  await stream.close();
  return stream;
}

const get = (client: Libp2p, lan: LanNode, key: string) => fetchBlock(client, addressOf(lan, 'tcp'), key, { maxBytes: 16 * MiB, timeoutMs: 30_000 });

async function metric(lan: LanNode, line: RegExp): Promise<string | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${lan.httpPort}/metrics`)).text();
  return text.split('\n').find((l) => line.test(l));
}

describe('the LAN node serving blocks under load', () => {
  it('reads a block from disk as it sends it: 20 stalled readers of a 16 MiB block make it read a few 64 KiB pieces each, never the whole block', async () => {
    const { node: lan } = await lanNode(64);
    const big = await hosted(lan, 16 * MiB);
    const { seen } = watchReads(lan);
    const readers = [await machine(2), await machine(3), await machine(4), await machine(5)];
    const streams = await Promise.all(readers.flatMap((c) => Array.from({ length: 5 }, () => stalledStream(c, lan, big.key))));
    await waitFor(() => seen.opened === 20, 10_000, 'the node to open the block for all 20 streams');
    // Let the node push what the readers' windows take, then look: it waits, holding a piece.
    let last = -1;
    while (last !== seen.pieces.length) {
      last = seen.pieces.length;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(seen.gets).toBe(0);
    expect(Math.max(...seen.pieces)).toBeLessThanOrEqual(64 * 1024);
    // What a stalled stream makes the node read is what yamux's first window (256 KiB) and the
    // stream's write buffer up to its drain take: about 650 KiB on average, up to 1.1 MiB on a
    // loaded machine (the kernel's send buffer of the connection, up to 4 MiB here, takes a
    // varying share). Never the block: at most a quarter of it.
    expect(seen.perBody).toHaveLength(20);
    expect(Math.max(...seen.perBody)).toBeLessThanOrEqual(4 * MiB);
    for (const s of streams) s.abort(new Error('reader gone'));
    await waitFor(() => seen.closed === 20, 10_000, 'every body to be closed');
    expect(await get(readers[0]!, lan, big.key)).toEqual({ status: 'found', bytes: big.bytes });
  }, 90_000); // 16 MiB written, hashed and sent twice over: slow on a busy shared machine

  it.each([
    ['a byte changed near its end', async (path: string) => {
      const f = await open(path, 'r+');
      const byte = new Uint8Array(1);
      await f.read(byte, 0, 1, MiB - 3);
      await f.write(Uint8Array.of(byte[0]! ^ 0xff), 0, 1, MiB - 3);
      await f.close();
    }],
    ['cut short', (path: string) => truncate(path, MiB / 2)],
  ])('finds a file %s while sending it: the transfer fails at the client (nothing to store), the file is deleted', async (_name, damage) => {
    const { node: lan, lines, blocksDir } = await lanNode();
    const block = await hosted(lan, MiB);
    const path = join(blocksDir, shardOf(block.key), block.key);
    await damage(path);
    const client = await machine(2);
    const error = await get(client, lan, block.key).then((r) => r, (e: Error) => e);
    expect(error).toBeInstanceOf(BlockResetError);
    await expect(access(path)).rejects.toThrow();
    expect(lan.cache.has(block.key)).toBe(false);
    expect(lines.some((l) => l.includes(block.key) && l.includes('deleted'))).toBe(true);
    expect(await get(client, lan, block.key)).toEqual({ status: 'not-found' });
  });

  it(`refuses block streams over ${BLOCK_LIMITS.maxConcurrentTotal} in all, then serves once they finish`, async () => {
    const { node: lan } = await lanNode();
    const block = await hosted(lan, 1000);
    const { seen, open: finish } = watchReads(lan, true);
    // Enough machines, each as many streams as its address may have (within the per-peer 8).
    const { maxConcurrentTotal: total, maxConcurrentPerAddress: perAddress } = BLOCK_LIMITS;
    const peers = await Promise.all(Array.from({ length: total / perAddress }, (_, i) => machine(10 + i)));
    const held = peers.flatMap((p) => Array.from({ length: perAddress }, () => get(p, lan, block.key)));
    await waitFor(() => seen.opened === BLOCK_LIMITS.maxConcurrentTotal, 20_000, 'all streams in progress');
    const late = await machine(30);
    expect(await get(late, lan, block.key)).toEqual({ status: 'refused' });
    expect(await metric(lan, /^peercache_limited_total\{limit="total-streams"\}/)).toBe('peercache_limited_total{limit="total-streams"} 1');
    finish();
    expect((await Promise.all(held)).every((r) => r.status === 'found')).toBe(true);
    expect(await get(late, lan, block.key)).toEqual({ status: 'found', bytes: block.bytes });
  });

  it(`lets one address minting peer ids have ${CONNECTION_LIMITS.perAddress} connections and ${BLOCK_LIMITS.maxConcurrentPerAddress} block streams, and serves another machine meanwhile`, async () => {
    const { node: lan } = await lanNode();
    const block = await hosted(lan, 1000);
    const { seen, open: finish } = watchReads(lan, true);
    const minted: Libp2p[] = [];
    let refused = 0;
    for (let i = 0; i < CONNECTION_LIMITS.perAddress + 2; i++) {
      const id = await machine(2);
      // libp2p takes 5 new connections a second from one host.
      await new Promise((r) => setTimeout(r, 250));
      await id.dial(addressOf(lan, 'tcp'), { signal: AbortSignal.timeout(5_000) }).then(() => minted.push(id), () => refused++);
    }
    expect(minted).toHaveLength(CONNECTION_LIMITS.perAddress);
    expect(refused).toBe(2);
    // Three ids ask for 8 blocks each: the address's share goes in, the rest is refused.
    const asks = minted.slice(0, 3).flatMap((p) => Array.from({ length: 8 }, () => get(p, lan, block.key)));
    await waitFor(() => seen.opened === BLOCK_LIMITS.maxConcurrentPerAddress, 10_000, 'the address\'s streams in progress');
    const other = await machine(3);
    const served = get(other, lan, block.key);
    await waitFor(() => seen.opened === BLOCK_LIMITS.maxConcurrentPerAddress + 1, 10_000, 'the other machine\'s stream in progress');
    finish();
    expect((await served).status).toBe('found');
    const statuses = (await Promise.all(asks)).map((r) => r.status);
    const share = BLOCK_LIMITS.maxConcurrentPerAddress;
    expect(statuses.filter((s) => s === 'found')).toHaveLength(share);
    expect(statuses.filter((s) => s === 'refused')).toHaveLength(24 - share);
    expect(await metric(lan, /^peercache_limited_total\{limit="address-streams"\}/)).toBe(`peercache_limited_total{limit="address-streams"} ${24 - share}`);
  });

  it('does not cap the node\'s own machine per address (nobody else can send from 127.0.0.1)', async () => {
    const { node: lan } = await lanNode();
    const local = await Promise.all(Array.from({ length: CONNECTION_LIMITS.perAddress + 2 }, () => machine(1)));
    for (const c of local) {
      await new Promise((r) => setTimeout(r, 250));
      await c.dial(addressOf(lan, 'tcp'), { signal: AbortSignal.timeout(5_000) });
    }
    await waitFor(() => lan.libp2p.getConnections().length === CONNECTION_LIMITS.perAddress + 2, 5_000, 'every connection at the node');
  });

  it('takes at most two blocks from peers at once, however many peer ids announce blocks it lacks', async () => {
    const { node: lan } = await lanNode();
    const hashList = await loadNodeHashList();
    const files = ['jquery@3.7.1/dist/jquery.min.js', 'jquery@3.6.0/dist/jquery.min.js', 'jquery@3.5.1/dist/jquery.min.js', 'bootstrap@4.5.2/dist/css/bootstrap.min.css', 'bootstrap@4.6.0/dist/css/bootstrap.min.css'];
    const keys = files.map((f) => hashList.lookup(`https://cdn.jsdelivr.net/npm/${f}`)!.key);
    let active = 0;
    let most = 0;
    let asked = 0;
    // Each "member" says it holds a listed block and, asked for it, sends nothing for 300 ms.
    const members = await Promise.all(keys.map(async () => {
      const m = await startClient({ transport: 'tcp' });
      clients.push(m);
      await m.handle(BLOCK_PROTOCOL, async (stream) => {
        asked++;
        most = Math.max(most, ++active);
        await new Promise((r) => setTimeout(r, 300));
        active--;
        stream.abort(new Error('never mind'));
      });
      await m.dial(addressOf(lan, 'tcp'));
      return m;
    }));
    await Promise.all(members.map((m, i) => sendUpdate(m, lan.libp2p.peerId, { have: [keys[i]!], bindings: [] })));
    await waitFor(() => asked === keys.length, 10_000, 'the node to ask every member');
    expect(most).toBe(2);
  });

  it('ends a relay reservation when its peer disconnects, so the places go to browsers still there', async () => {
    const { node: lan } = await lanNode();
    const browser = await startClient({ transport: 'ws', relayListen: `${addressOf(lan, 'ws').toString()}/p2p-circuit` });
    clients.push(browser);
    await waitFor(() => lan.libp2p.services.relay.reservations.has(browser.peerId), 10_000, 'the reservation');
    await browser.stop();
    await waitFor(() => !lan.libp2p.services.relay.reservations.has(browser.peerId), 10_000, 'the reservation to end');
  });
});
