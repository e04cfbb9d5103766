/**
 * A browser asked a peer for a block and got other bytes than the hash names (issue 10: "the
 * faulty peer is penalised"). The product's peer service in Node, on fake IndexedDB, with two
 * LAN nodes: a liar, whose block server answers every key with the same wrong bytes, and an
 * honest one. Nothing of the liar's is stored; the browser hangs up on it and asks it nothing
 * more for a while, and still gets the file from the honest node.
 */
import { noise } from '@chainsafe/libp2p-noise';
import type { Libp2p } from '@libp2p/interface';
import { webSockets } from '@libp2p/websockets';
import { yamux } from '@libp2p/yamux';
import { createLibp2p } from 'libp2p';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBlockServer, type BlockLookup } from '../../../src/p2p/block/index.ts';
import { createLanGater } from '../../../src/p2p/lan-gate.ts';
import { loadNodeHashList } from '../../../src/node/replication.ts';
import { keyOf } from '../../support/bytes.ts';
import { waitFor } from '../../support/wait.ts';
import { startMember, type Member } from '../support/member.ts';

const file = (name: string): Uint8Array => new TextEncoder().encode(`window.${name} = 1; /* ${'f'.repeat(3000)} */`);

/** A WebSockets peer serving blocks with `getBlock`, counting what it is asked. */
async function blockPeer(getBlock: (key: string) => BlockLookup): Promise<{ node: Libp2p; asked: string[] }> {
  const asked: string[] = [];
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0/ws'] },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: createLanGater(),
  });
  const server = createBlockServer({ getBlock: async (key) => (asked.push(key), getBlock(key)) });
  await node.handle(server.protocol, server.handler, { maxInboundStreams: server.maxInboundStreams });
  return { node, asked };
}

let liar: Awaited<ReturnType<typeof blockPeer>>;
let honest: Awaited<ReturnType<typeof blockPeer>>;
let browser: Member;
const files = { first: file('first'), second: file('second'), third: file('third') };
const keys = { first: '', second: '', third: '' };

beforeAll(async () => {
  keys.first = await keyOf(files.first);
  keys.second = await keyOf(files.second);
  keys.third = await keyOf(files.third);
  liar = await blockPeer(() => ({ status: 'found', bytes: file('something else') }));
  // The honest node has only the second file, so the first can come from the liar alone.
  honest = await blockPeer((key) => (key === keys.second ? { status: 'found', bytes: files.second } : { status: 'not-found' }));
  const addresses = [liar.node, honest.node].map((n) => n.getMultiaddrs()[0]!.toString());
  browser = await startMember(await loadNodeHashList(), addresses, {});
  await waitFor(() => browser.service.status().lanNodes === 2, 10_000, 'the browser connecting to both LAN nodes');
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([liar?.node.stop(), honest?.node.stop()]);
});

it('stores nothing of a peer that sends other bytes, hangs up on it, asks it nothing more once it is back, and gets the file from an honest peer', async () => {
  expect(await browser.service.fetch(keys.first, 'text/javascript', 1e6)).toBe('not-found');
  expect(liar.asked).toEqual([keys.first]);
  expect(await browser.store.blobs.has(keys.first)).toBe(false);
  // Hung up on: the liar's connection to the browser is gone.
  await waitFor(() => liar.node.getConnections().length === 0, 5_000, 'the browser hanging up on the liar');

  // The browser keeps its LAN nodes connected, so the liar is soon back (about 2 s here)...
  await waitFor(() => liar.node.getConnections().length > 0, 15_000, 'the browser reconnecting to the liar');
  // ...but is asked nothing while penalised: a file the honest node lacks is simply not found.
  expect(await browser.service.fetch(keys.third, 'text/javascript', 1e6)).toBe('not-found');
  expect(liar.asked).toEqual([keys.first]);
  expect(honest.asked).toContain(keys.third);

  expect(await browser.service.fetch(keys.second, 'text/javascript', 1e6)).toBe('stored');
  expect((await browser.store.blobs.get(keys.second))?.bytes).toEqual(files.second);
  expect(liar.asked).toEqual([keys.first]);
});
