/**
 * Seconds, not minutes (issue 12): running members of a group, each the product's peer service
 * in Node on its own fake IndexedDB, and a LAN node on loopback whose periodic pulls are set to
 * ten minutes, so only `/peercache/update/1.0.0` and `/peercache/lookup/1.0.0` can carry what
 * these tests see. What one member learns is usable by the others within 10 s; a file the
 * office is downloading right now is downloaded once.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeDigest, sriEntryToKey, verifyMultihashKey } from '../../../src/core/integrity/index.ts';
import type { HashList } from '../../../src/core/hash-list/index.ts';
import { mergeSettings } from '../../../src/core/settings/index.ts';
import type { CacheContext } from '../../../src/extension/cache/context.ts';
import { resolveServable } from '../../../src/extension/cache/resolver.ts';
import { createPeerService, type PeerService } from '../../../src/extension/peers/peer-service.ts';
import { startLanNode, type LanNode } from '../../../src/node/lan-node.ts';
import { loadNodeHashList } from '../../../src/node/replication.ts';
import { UPDATE_PROTOCOL } from '../../../src/p2p/update/index.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { addressOf, startClient, tempDir, waitFor } from '../node/harness.ts';

const GROUP = '5e'.repeat(32);
const DAY = 86_400_000;
/** A file of the public list (the packaged copy's bytes, as the CDN serves them). */
const LISTED_URL = 'https://cdn.jsdelivr.net/npm/bootstrap@4.5.2/dist/css/bootstrap.min.css';
const LISTED = new Uint8Array(readFileSync(join(import.meta.dirname, '../../../extension/pkg/bootstrap@4.5.2/dist/css/bootstrap.min.css')));
const sha384 = async (b: Uint8Array): Promise<string> => sriEntryToKey({ algorithm: 'sha384', digest: await computeDigest('sha384', b) });
const appFile = (n: number): Uint8Array => new TextEncoder().encode(`window.app${n} = ${n}; /* ${'y'.repeat(5000)} */`);

let node: LanNode;
let hashList: HashList;
const open: { service: PeerService; store: Store }[] = [];
const logs: string[] = [];

beforeAll(async () => {
  hashList = await loadNodeHashList();
  node = await startLanNode(
    { host: '127.0.0.1', tcpPort: 0, wsPort: 0, httpPort: 0, dataDir: await tempDir(), cacheMB: 16, groupKey: GROUP },
    { log: (l) => logs.push(l), mdns: false, pullEveryMs: 600_000 },
  );
});
afterAll(async () => {
  for (const m of open) {
    await m.service.apply(mergeSettings({ user: { sharingMode: 'off' } }).values, false);
    m.store.close();
  }
  await node?.stop();
});

/** A running member: connected, and told by the node of nothing yet. */
async function member(user: Record<string, unknown> = {}) {
  const store = await openStore({ indexedDB: new IDBFactory(), IDBKeyRange, verify: (b, k) => verifyMultihashKey(b, k), now: Date.now, maxCacheBytes: () => 1e8, onCorrupt: () => {} });
  const settings = mergeSettings({ user: { lanNodes: [addressOf(node, 'ws').toString()], groupKey: GROUP, trustGroupBindings: true, ...user } }).values;
  const service = createPeerService({ store, hashList, log: () => {} });
  open.push({ service, store });
  await service.apply(settings, false);
  await waitFor(() => service.status().lanNodes === 1, 10_000, 'the member connecting');
  const ctx: CacheContext = { store, hashList, settings: () => settings, pausedSites: () => [], now: Date.now, log: () => {} };
  return {
    store,
    service,
    serves: async (url: string) => (await resolveServable(ctx, url, 'https://site-b.test/'))?.key,
    /** What the learner does after its page loaded `url`: bytes and binding stored, then `learned()`. */
    async observe(url: string, bytes: Uint8Array, type = 'text/javascript') {
      const mh = await sha384(bytes);
      await store.blobs.put(mh, bytes, type);
      if (!hashList.lookup(url)) {
        await store.bindings.put({ url, mh, source: 'observed', site: 'site-a.test', fetchedAt: Date.now(), freshUntil: Date.now() + DAY, mustRevalidate: false, corsAnyOrigin: true, type });
      }
      service.learned();
      return mh;
    },
  };
}

/** Polls every 50 ms for at most `ms` (the bound is 10 s). */
async function within(ms: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('what one running member learns, the others can use within seconds', () => {
  it('a listed file and a binding off the list reach a running colleague, bytes included, within 10 s; the pulls alone would take ten minutes', async () => {
    const a = await member();
    // requirePopular off: this office serves what one member observed (the privacy gate is
    // the admin's choice; with it on, the binding arrives but is served from minLanPeers on).
    const b = await member({ requirePopular: false });
    const listedKey = await a.observe(LISTED_URL, LISTED, 'text/css');
    expect(hashList.lookup(LISTED_URL)?.key).toBe(listedKey);
    const appUrl = 'https://site-a.test/js/app-1.js';
    const app = await a.observe(appUrl, appFile(1));
    await within(10_000, async () => (await b.serves(LISTED_URL)) === listedKey && (await b.serves(appUrl)) === app);
    expect(node.groupBindings?.best(appUrl)?.holders).toBe(1);
    // B's copies came over the LAN, from the node (which fetched them from A, verified).
    expect((await b.store.stats.daily(1))[0]?.lanBytesIn).toBe(LISTED.length + appFile(1).length);
  });

  it('with the privacy gate on, a colleague holds the binding at once and is served it once minLanPeers members observed it', async () => {
    const a = await member();
    const c = await member();
    const b = await member({ minLanPeers: 2 });
    const url = 'https://site-a.test/js/app-2.js';
    const mh = await a.observe(url, appFile(2));
    await within(10_000, async () => (await b.store.bindings.lookup(url, Date.now(), { sources: ['group'] }))?.binding.mh === mh);
    expect(await b.serves(url)).toBeUndefined();
    await c.observe(url, appFile(2));
    await within(10_000, async () => (await b.serves(url)) === mh);
  });
});

describe('a file the office is downloading right now is downloaded once', () => {
  it('the first member to ask downloads it; a colleague asking meanwhile waits for that download and gets it from the node', async () => {
    const a = await member();
    const b = await member();
    const url = 'https://site-a.test/js/app-3.js';
    // A is about to download the file to learn it: nobody holds it, so A takes the lease.
    expect(await a.service.lookup(url, 'text/javascript', 1e6)).toBe('unknown');
    const coalesced = node.lookups.stats().coalesced;
    const asked = Date.now();
    const waited = b.service.lookup(url, 'text/javascript', 1e6);
    await waitFor(() => node.lookups.stats().waiting === 1, 5_000, 'B waiting at the node');
    // A's download lands; A tells the node, which fetches it and answers B.
    const mh = await a.observe(url, appFile(3));
    expect(await waited).toBe('stored');
    expect(Date.now() - asked).toBeLessThan(10_000);
    expect(await b.store.blobs.has(mh)).toBe(true);
    expect(node.lookups.stats().coalesced).toBe(coalesced + 1);
  });

  it('a download that never comes holds nobody up for longer than the lease: the next asker takes it over', async () => {
    const a = await member();
    const b = await member();
    const url = 'https://site-a.test/js/never-learned.js';
    expect(await a.service.lookup(url, 'text/javascript', 1e6)).toBe('unknown');
    const asked = Date.now();
    expect(await b.service.lookup(url, 'text/javascript', 1e6)).toBe('unknown');
    const waitedMs = Date.now() - asked;
    expect(waitedMs).toBeGreaterThan(5_000);
    expect(waitedMs).toBeLessThan(10_000);
  });

  it('a listed URL whose file the node holds is answered at once', async () => {
    const a = await member();
    await a.observe(LISTED_URL, LISTED, 'text/css');
    const key = hashList.lookup(LISTED_URL)!.key;
    await waitFor(() => node.cache.has(key), 10_000, 'the node hosting the file');
    const d = await member({ replicatePopular: false });
    expect(await d.store.blobs.has(key)).toBe(false);
    expect(await d.service.lookup(LISTED_URL, 'text/css', 1e7)).toBe('stored');
    expect(await d.store.blobs.has(key)).toBe(true);
  });
});

describe('hostile updates', () => {
  it('hangs up on a peer whose update is garbage, and keeps the book', async () => {
    const before = node.groupBindings!.size();
    const liar = await startClient({ transport: 'ws', groupKey: GROUP });
    await liar.dial(addressOf(node, 'ws'));
    const stream = await liar.dialProtocol(node.libp2p.peerId, UPDATE_PROTOCOL);
    stream.send(new TextEncoder().encode('{"have":["not a key!"],"bindings":[]}'));
    await stream.close();
    await waitFor(() => logs.some((l) => l.includes(liar.peerId.toString()) && l.includes('have is not a list')), 10_000, 'the node refusing the update');
    await waitFor(() => node.libp2p.getConnections(liar.peerId).length === 0, 5_000, 'the node hanging up');
    expect(node.groupBindings!.size()).toBe(before);
    await liar.stop();
  });
});
