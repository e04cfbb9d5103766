/**
 * LAN privacy (issue 10, item 3): what a browser holds is its history, so only its pinned LAN
 * node may learn it. A browser (the product's peer service in Node, on fake IndexedDB) in a group
 * dials its LAN node; another member reaches it through that node's relay, as browsers reach
 * each other (the relay here grants unlimited circuits, so the member's streams are really
 * answered by the browser's servers: a limited circuit would be refused by libp2p itself, and
 * WebRTC between two Node processes would need a network namespace). The member asks for a
 * file only this browser reported: `refused`, exactly as for a file it lacks; the LAN node gets
 * it; the member's `/have` is empty where the node's lists what is held.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { noise } from '@chainsafe/libp2p-noise';
import { circuitRelayServer } from '@libp2p/circuit-relay-v2';
import { identify } from '@libp2p/identify';
import type { Connection, Libp2p } from '@libp2p/interface';
import { preSharedKey } from '@libp2p/pnet';
import { webSockets } from '@libp2p/websockets';
import { yamux } from '@libp2p/yamux';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HashList } from '../../../src/core/hash-list/index.ts';
import { groupKeyToPsk } from '../../../src/node/lan-node.ts';
import { loadNodeHashList } from '../../../src/node/replication.ts';
import { fetchBlock } from '../../../src/p2p/block/index.ts';
import { fetchHave } from '../../../src/p2p/have/index.ts';
import { createLanGater } from '../../../src/p2p/lan-gate.ts';
import { keyOf } from '../../support/bytes.ts';
import { waitFor } from '../../support/wait.ts';
import { startClient } from '../node/harness.ts';
import { startMember, type Member } from '../support/member.ts';

const GROUP = '7a'.repeat(32);
const LISTED_URL = 'https://cdn.jsdelivr.net/npm/bootstrap@4.5.2/dist/css/bootstrap.min.css';
const LISTED = new Uint8Array(readFileSync(join(import.meta.dirname, '../../../extension/pkg/bootstrap@4.5.2/dist/css/bootstrap.min.css')));
const file = (name: string): Uint8Array => new TextEncoder().encode(`window.${name} = 1; /* ${'z'.repeat(2000)} */`);

let hashList: HashList;
/** The browser's LAN node: a relay it dials and pins (trust on first use). */
let lanNode: Libp2p;
let browser: Member;
/** Another member of the group, connected to the browser through the LAN node's relay. */
let member: Libp2p;
let toBrowser: Connection;
const keys: Record<'own' | 'lacking' | 'popular' | 'listed', string> = { own: '', lacking: '', popular: '', listed: '' };

beforeAll(async () => {
  hashList = await loadNodeHashList();
  lanNode = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0/ws'] },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: createLanGater(),
    connectionProtector: preSharedKey({ psk: groupKeyToPsk(GROUP) }),
    services: { identify: identify(), relay: circuitRelayServer({ reservations: { applyDefaultLimit: false } }) },
  });
  const address = lanNode.getMultiaddrs()[0]!.toString();
  browser = await startMember(hashList, [address], { groupKey: GROUP, trustGroupBindings: true, minLanPeers: 3 });
  // A file only this browser reported (its group binding names it: the old rule answered it to members).
  keys.own = await browser.observe('https://site-a.test/js/own.js', file('own'));
  // A file the group knows of (its binding is in this store) but this browser does not hold.
  const lacking = file('lacking');
  keys.lacking = await keyOf(lacking);
  await browser.store.bindings.put({ url: 'https://site-a.test/js/lacking.js', mh: keys.lacking, source: 'group', site: '(group)', fetchedAt: Date.now(), freshUntil: Date.now() + 86_400_000, mustRevalidate: false, corsAnyOrigin: true, type: 'text/javascript', holders: 1 });
  // A file off the list that three members hold, by the LAN node's count: popular.
  const popular = file('popular');
  keys.popular = await keyOf(popular);
  await browser.store.blobs.put(keys.popular, popular, 'text/javascript');
  await browser.store.popularity.recordCounts(lanNode.peerId.toString(), new Map([[keys.popular, 3]]));
  keys.listed = await browser.observe(LISTED_URL, LISTED, 'text/css');
  expect(hashList.isListed(keys.listed)).toBe(true);

  await waitFor(() => browser.service.status().lanNodes === 1, 10_000, 'the browser connecting to its LAN node');
  const browserId = browser.service.status().peerId!;
  member = await startClient({ transport: 'ws', groupKey: GROUP, relayListen: `${address}/p2p-circuit` });
  // The browser's relay reservation comes a moment after it connects.
  await waitFor(async () => {
    toBrowser = await member.dial(multiaddr(`${address}/p2p-circuit/p2p/${browserId}`), { signal: AbortSignal.timeout(2_000) }).catch(() => undefined as unknown as Connection);
    return toBrowser !== undefined;
  }, 15_000, 'the member reaching the browser through the relay', 200);
  // Unlimited: streams on it reach the browser's handlers.
  expect(toBrowser.limits).toBeUndefined();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await member?.stop();
  await lanNode?.stop();
});

const ask = (from: Libp2p, key: string) => fetchBlock(from, toBrowser.remotePeer, key, { maxBytes: 1 << 20, timeoutMs: 5_000 });

describe('what a browser in a group tells whom', () => {
  it('a member that is not its LAN node is refused a file only this browser holds, exactly as one it lacks', async () => {
    expect(await ask(member, keys.own)).toEqual({ status: 'refused' });
    expect(await ask(member, keys.lacking)).toEqual({ status: 'refused' });
  });

  it('its pinned LAN node gets the file (and found/not-found for what the group names)', async () => {
    expect(await ask(lanNode, keys.own)).toMatchObject({ status: 'found' });
    expect(await ask(lanNode, keys.lacking)).toEqual({ status: 'not-found' });
  });

  it('popular files are answered to anyone: listed, or held by minLanPeers members', async () => {
    expect(await ask(member, keys.listed)).toEqual({ status: 'found', bytes: LISTED });
    expect(await ask(member, keys.popular)).toMatchObject({ status: 'found' });
  });

  it('/have: the member gets an empty list, the LAN node the listed files held', async () => {
    expect(await fetchHave(member, toBrowser.remotePeer)).toEqual([]);
    expect(await fetchHave(lanNode, toBrowser.remotePeer)).toEqual([keys.listed]);
  });
});
