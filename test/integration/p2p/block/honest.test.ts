import type { Libp2p } from '@libp2p/interface';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SriAlgorithm } from '../../../../src/core/integrity/index.ts';
import { createBlockServer, fetchBlock, type BlockLookup } from '../../../../src/p2p/block/index.ts';
import { BODY_WRITE_BYTES } from '../../../../src/p2p/block/server.ts';
import { addressOf, bytesOf, keyOf, startNode } from './nodes.ts';

const MiB = 1024 * 1024;
const store = new Map<string, Uint8Array>();
const refusedKeys = new Set<string>();
const askedBy: string[] = [];
let server: Libp2p;
let client: Libp2p;

beforeAll(async () => {
  [server, client] = await Promise.all([startNode(), startNode()]);
  const blocks = createBlockServer({
    async getBlock(key, peer): Promise<BlockLookup> {
      askedBy.push(peer);
      if (refusedKeys.has(key)) return { status: 'refused' };
      const bytes = store.get(key);
      return bytes === undefined ? { status: 'not-found' } : { status: 'found', bytes };
    },
  });
  await server.handle(blocks.protocol, blocks.handler, { maxInboundStreams: blocks.maxInboundStreams });
});

afterAll(async () => {
  await Promise.all([server?.stop(), client?.stop()]);
});

async function put(bytes: Uint8Array, algorithm?: SriAlgorithm): Promise<string> {
  const key = await keyOf(bytes, algorithm);
  store.set(key, bytes);
  return key;
}

describe('block protocol between honest peers over TCP on loopback', () => {
  it.each([
    ['0 B', 0],
    ['1 B', 1],
    ['64 KiB (one full chunk)', 64 * 1024],
    ['64 KiB + 1 (a second chunk of one byte)', 64 * 1024 + 1],
    ['one write that fills a noise message (BODY_WRITE_BYTES)', BODY_WRITE_BYTES],
    ['BODY_WRITE_BYTES + 1 (a second write of one byte)', BODY_WRITE_BYTES + 1],
    ['1 MiB', MiB],
  ])('transfers %s intact', async (_name, size) => {
    const bytes = bytesOf(size, size + 7);
    const key = await put(bytes);
    const result = await fetchBlock(client, addressOf(server), key, { maxBytes: 8 * MiB, stallMs: 5000 });
    expect(result.status).toBe('found');
    if (result.status !== 'found') return;
    expect(result.bytes.length).toBe(size);
    expect(Buffer.from(result.bytes).equals(Buffer.from(bytes))).toBe(true);
  });

  it('transfers 5 MiB intact and reports the throughput', async () => {
    const bytes = bytesOf(5 * MiB, 5);
    const key = await put(bytes);
    await fetchBlock(client, addressOf(server), await put(bytesOf(10, 9)), { maxBytes: 10 }); // warm the connection
    const started = performance.now();
    const result = await fetchBlock(client, server.peerId, key, { maxBytes: 8 * MiB });
    const ms = performance.now() - started;
    expect(result.status).toBe('found');
    if (result.status !== 'found') return;
    expect(Buffer.from(result.bytes).equals(Buffer.from(bytes))).toBe(true);
    console.info(`5 MiB over TCP+noise+yamux on loopback: ${ms.toFixed(0)} ms, ${((5 * 8) / (ms / 1000)).toFixed(0)} Mbit/s`);
  });

  it.each(['sha384', 'sha512'] as const)('verifies %s-named blocks', async (algorithm) => {
    const bytes = bytesOf(100_000, 3);
    const key = await put(bytes, algorithm);
    const result = await fetchBlock(client, server.peerId, key, { maxBytes: MiB });
    expect(result).toEqual({ status: 'found', bytes });
  });

  it('answers not-found for a block the server does not hold', async () => {
    const key = await keyOf(bytesOf(10, 4242));
    expect(await fetchBlock(client, server.peerId, key, { maxBytes: MiB })).toEqual({ status: 'not-found' });
  });

  it('answers refused when getBlock refuses (privacy gate), and tells the server who asked', async () => {
    const bytes = bytesOf(10, 99);
    const key = await put(bytes);
    refusedKeys.add(key);
    askedBy.length = 0;
    expect(await fetchBlock(client, server.peerId, key, { maxBytes: MiB })).toEqual({ status: 'refused' });
    expect(askedBy).toEqual([client.peerId.toString()]);
  });

  it('serves many requests in parallel on one connection', async () => {
    const blocks = await Promise.all(Array.from({ length: 6 }, (_, i) => bytesOf(200_000 + i, i + 100)));
    const keys = await Promise.all(blocks.map((b) => put(b)));
    const results = await Promise.all(keys.map((key) => fetchBlock(client, server.peerId, key, { maxBytes: MiB })));
    expect(results).toEqual(blocks.map((bytes) => ({ status: 'found', bytes })));
  });
});
