/**
 * Bindings travelling in a group (`trustGroupBindings` + `groupKey`): browser peer services
 * (the product's, in Node, on fake IndexedDB) and a LAN node on loopback. What one member
 * observed reaches a colleague who never visited the site; a file off the public list becomes
 * servable only once enough members hold it; strangers and garbage get nowhere.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeSettings } from '../../../src/core/settings/index.ts';
import type { CacheContext } from '../../../src/extension/cache/context.ts';
import { resolveServable } from '../../../src/extension/cache/resolver.ts';
import { createPeerService, type PeerService } from '../../../src/extension/peers/peer-service.ts';
import { startLanNode, type LanNode } from '../../../src/node/lan-node.ts';
import { loadNodeHashList } from '../../../src/node/replication.ts';
import { BINDINGS_PROTOCOL } from '../../../src/p2p/bindings/index.ts';
import type { Store } from '../../../src/store/index.ts';
import type { HashList } from '../../../src/core/hash-list/index.ts';
import { addressOf, startClient } from '../node/harness.ts';
import { keyOf as sha384 } from '../../support/bytes.ts';
import { openMemoryStore } from '../../support/memory-store.ts';
import { waitFor } from '../../support/wait.ts';
import { loopbackNodeConfig, wsAddressOf } from '../../support/lan-node.ts';

const GROUP = 'ab'.repeat(32);
const DAY = 86_400_000;
const JQUERY = new Uint8Array(readFileSync(join(import.meta.dirname, '../../../node_modules/jquery/dist/jquery.min.js')));
/** jQuery as a site hosts it itself: a URL no list knows, bytes the list knows. */
const SELF_HOSTED = 'https://site-a.test/vendor/jquery.js';
/** A file only this office's sites use. */
const APP = new TextEncoder().encode(`window.app = 1; /* ${'x'.repeat(3000)} */`);
const APP_URL = 'https://static.test/app-1.js';

let node: LanNode;
let ws: string;
let hashList: HashList;
const open: { service: PeerService; store: Store }[] = [];
const logs: string[] = [];

beforeAll(async () => {
  hashList = await loadNodeHashList();
  node = await startLanNode(
    loopbackNodeConfig({ groupKey: GROUP }),
    { log: (l) => logs.push(l), mdns: false, pullEveryMs: 200 },
  );
  ws = wsAddressOf(node);
});
afterAll(async () => {
  for (const m of open) {
    await m.service.apply(mergeSettings({ user: { sharingMode: 'off' } }).values, false);
    m.store.close();
  }
  await node?.stop();
});

/** A browser's peer service with its own store; `observed` are URLs it saw its origin serve. */
async function member(user: Record<string, unknown>, observed: [string, Uint8Array][] = []) {
  const store = await openMemoryStore({ maxCacheBytes: () => 1e8 });
  for (const [url, bytes] of observed) {
    const mh = await sha384(bytes);
    await store.blobs.put(mh, bytes, 'text/javascript');
    await store.bindings.put({ url, mh, source: 'observed', site: 'site-a.test', fetchedAt: Date.now(), freshUntil: Date.now() + DAY, mustRevalidate: false, corsAnyOrigin: true, type: 'text/javascript' });
  }
  const settings = mergeSettings({ user: { lanNodes: [ws], groupKey: GROUP, trustGroupBindings: true, ...user } }).values;
  const service = createPeerService({ store, hashList, log: () => {} });
  open.push({ service, store });
  await service.apply(settings, false);
  const ctx: CacheContext = { store, hashList, settings: () => settings, pausedSites: () => [], now: Date.now, log: () => {} };
  return {
    store, service,
    serves: async (url: string) => (await resolveServable(ctx, url, 'https://site-b.test/'))?.key,
    /** The same, for a page of `origin`. */
    servesOn: async (url: string, origin: string) => (await resolveServable(ctx, url, origin))?.key,
  };
}

const holdersAtNode = (mh: string): number => node.groupBindings?.list().find((b) => b.mh === mh)?.holders ?? 0;
const urlsAtNode = (url: string): number => node.groupBindings?.list().filter((b) => b.url === url).length ?? 0;

describe('bindings travelling in a group', () => {
  it('a colleague who never visited site A gets its self-hosted jQuery binding and bytes, but is not answered that URL while one member holds it', async () => {
    const key = await sha384(JQUERY);
    expect(hashList.isListed(key)).toBe(true);
    expect(hashList.lookup(SELF_HOSTED)).toBeUndefined();
    await member({}, [[SELF_HOSTED, JQUERY], [APP_URL, APP]]);
    // The LAN node collects A's bindings and hosts their bytes (verified).
    const app = await sha384(APP);
    await waitFor(() => node.cache.has(key) && node.cache.has(app), 10_000, 'the node hosting A\'s files');
    expect(holdersAtNode(app)).toBe(1);
    expect(node.snapshot().groupBindings).toBe(2);

    const b = await member({ minLanPeers: 2 });
    const bindingAt = async (url: string) => (await b.store.bindings.lookup(url, Date.now(), { sources: ['group'] }))?.binding.mh;
    await waitFor(async () => (await b.store.blobs.has(key)) && (await bindingAt(APP_URL)) !== undefined, 15_000, 'the member to take it in', 100);
    expect(await bindingAt(SELF_HOSTED)).toBe(key);
    // The bytes are listed, site A's URL is not: one member holding that binding does not make
    // it popular (issue 9: a bank's own copy answered to other sites tells them who visited the
    // bank). The same bytes are answered at the URLs the list binds.
    expect(await b.serves(SELF_HOSTED)).toBeUndefined();
    expect(await b.serves('https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js')).toBe(key);
    // The app file is known to the group but held by one member only: not popular, so not
    // served to other sites. A's page that loaded it was site A's: site A's pages may be answered
    // it (its server saw A's request come from this LAN already), so B copies it for them.
    expect(await b.store.popularity.peerCount(app)).toBe(1);
    expect(await b.serves(APP_URL)).toBeUndefined();
    await waitFor(async () => b.store.blobs.has(app), 15_000, 'the member to take it in', 100);
    expect(await b.servesOn(APP_URL, 'https://site-a.test/page.html')).toBe(app);
    expect(await b.servesOn(SELF_HOSTED, 'https://site-a.test/page.html')).toBe(key);
    expect(await b.servesOn(SELF_HOSTED, 'https://evil.test/')).toBeUndefined();
  });

  it('a URL is served once enough members hold its binding (minLanPeers), off the list or a site\'s own copy of a listed file', async () => {
    await member({}, [[APP_URL, APP], [SELF_HOSTED, JQUERY]]);
    const app = await sha384(APP);
    await waitFor(() => holdersAtNode(app) === 2, 10_000, 'a second member reporting the file');
    const c = await member({ minLanPeers: 2 });
    await waitFor(async () => (await c.store.blobs.has(app)) && (await c.serves(SELF_HOSTED)) !== undefined, 15_000, 'the member to take it in', 100);
    expect(await c.store.popularity.peerCount(app)).toBe(2);
    expect(await c.serves(APP_URL)).toBe(app);
    expect(await c.serves(SELF_HOSTED)).toBe(await sha384(JQUERY));
  });

  it('counts the members holding a binding, not the bytes: a copy of the same file at another URL is not popular', async () => {
    const copy = 'https://site-c.test/js/app-copy.js';
    await member({}, [[copy, APP]]);
    const app = await sha384(APP);
    await waitFor(() => urlsAtNode(copy) === 1, 10_000, 'the copy reaching the book');
    expect(node.groupBindings?.list().find((b) => b.url === copy)?.holders).toBe(1);
    const d = await member({ minLanPeers: 2 });
    await waitFor(async () => (await d.store.bindings.lookup(copy, Date.now(), { sources: ['group'] })) !== undefined && (await d.serves(APP_URL)) !== undefined, 15_000, 'the member to take it in', 100);
    // Three members hold the bytes, two of them at APP_URL: that URL is popular, the copy is not.
    expect(await d.serves(APP_URL)).toBe(app);
    expect(await d.serves(copy)).toBeUndefined();
  });

  it('without trustGroupBindings a browser neither tells nor takes bindings', async () => {
    const d = await member({ trustGroupBindings: false }, [[SELF_HOSTED.replace('jquery', 'jq2'), JQUERY]]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await d.store.bindings.lookup(SELF_HOSTED, Date.now())).toBeUndefined();
    expect(urlsAtNode(SELF_HOSTED.replace('jquery', 'jq2'))).toBe(0);
  });

  it('hangs up on a member whose bindings answer is garbage, and keeps what the group had', async () => {
    const before = urlsAtNode(SELF_HOSTED);
    const liar = await startClient({ transport: 'ws', groupKey: GROUP });
    await liar.handle(BINDINGS_PROTOCOL, async (stream) => {
      stream.send(new TextEncoder().encode('{"bindings":[{"url":"http://evil.test/x.js"}]}'));
      await stream.close();
    });
    await liar.dial(addressOf(node, 'ws'));
    await waitFor(() => logs.some((l) => l.includes(liar.peerId.toString()) && l.includes('not a canonical https URL')), 10_000, 'the node refusing the answer');
    await waitFor(() => node.libp2p.getConnections(liar.peerId).length === 0, 5_000, 'the node hanging up');
    expect(urlsAtNode(SELF_HOSTED)).toBe(before);
    expect(urlsAtNode('http://evil.test/x.js')).toBe(0);
    await liar.stop();
  });
});
