/**
 * The LAN node's noise (keys imported once, src/node/noise-crypto.ts) against stock noise, as a
 * LAN node meets browsers and older nodes: blocks large enough to take the OpenSSL path cross
 * in both directions, verified by hash.
 */
import { noise } from '@chainsafe/libp2p-noise';
import type { Libp2p } from '@libp2p/interface';
import { tcp } from '@libp2p/tcp';
import { yamux } from '@libp2p/yamux';
import { createLibp2p } from 'libp2p';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lanNodeNoise } from '../../../src/node/noise-crypto.ts';
import { createBlockServer, fetchBlock } from '../../../src/p2p/block/index.ts';
import { addressOf, bytesOf, keyOf } from '../p2p/block/nodes.ts';

const MiB = 1024 * 1024;
const block = bytesOf(MiB + 12_345, 11);
let lanNode: Libp2p;
let stock: Libp2p;

async function start(encrypter: ReturnType<typeof noise>): Promise<Libp2p> {
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [encrypter],
    streamMuxers: [yamux()],
  });
  const server = createBlockServer({ getBlock: async () => ({ status: 'found', bytes: block }) });
  await node.handle(server.protocol, server.handler, { maxInboundStreams: server.maxInboundStreams });
  return node;
}

beforeAll(async () => {
  [lanNode, stock] = await Promise.all([start(lanNodeNoise()), start(noise())]);
});

afterAll(async () => {
  await Promise.all([lanNode?.stop(), stock?.stop()]);
});

describe('the LAN node’s noise with stock noise', () => {
  it.each([
    ['a stock peer fetches from the LAN node', () => [stock, lanNode] as const],
    ['the LAN node fetches from a stock peer', () => [lanNode, stock] as const],
  ])('%s: the block arrives intact', async (_name, pick) => {
    const [client, server] = pick();
    const result = await fetchBlock(client, addressOf(server), await keyOf(block), { maxBytes: 2 * MiB });
    expect(result.status).toBe('found');
    if (result.status === 'found') expect(Buffer.from(result.bytes).equals(Buffer.from(block))).toBe(true);
  });
});
