/**
 * Seconds, not minutes (issue 12): running members of a group, each the product's peer service
 * in Node on its own fake IndexedDB, and a LAN node on loopback whose periodic pulls are set to
 * ten minutes, so only `/peercache/update/1.0.0` and `/peercache/lookup/1.0.0` can carry what
 * these tests see. What one member learns is usable by the others within 10 s; a file the
 * office is downloading right now is downloaded once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HashList } from '../../../src/core/hash-list/index.ts';
import { startLanNode, type LanNode } from '../../../src/node/lan-node.ts';
import { loadNodeHashList } from '../../../src/node/replication.ts';
import { UPDATE_PROTOCOL } from '../../../src/p2p/update/index.ts';
import { addressOf, startClient } from '../node/harness.ts';
import { waitFor } from '../../support/wait.ts';
import { startMember, within, type Member } from '../support/member.ts';
import { loopbackNodeConfig } from '../../support/lan-node.ts';

const GROUP = '5e'.repeat(32);
/** A file of the public list (the packaged copy's bytes, as the CDN serves them). */
const LISTED_URL = 'https://cdn.jsdelivr.net/npm/bootstrap@4.5.2/dist/css/bootstrap.min.css';
const LISTED = new Uint8Array(readFileSync(join(import.meta.dirname, '../../../extension/pkg/bootstrap@4.5.2/dist/css/bootstrap.min.css')));
const appFile = (n: number): Uint8Array => new TextEncoder().encode(`window.app${n} = ${n}; /* ${'y'.repeat(5000)} */`);

let node: LanNode;
let hashList: HashList;
const open: Member[] = [];
const logs: string[] = [];

beforeAll(async () => {
  hashList = await loadNodeHashList();
  node = await startLanNode(
    loopbackNodeConfig({ groupKey: GROUP }),
    { log: (l) => logs.push(l), mdns: false, pullEveryMs: 600_000 },
  );
});
afterAll(async () => {
  for (const m of open) await m.close();
  await node?.stop();
});

/** A running member of the group: connected, and told by the node of nothing yet. */
async function member(user: Record<string, unknown> = {}): Promise<Member> {
  const m = await startMember(hashList, [addressOf(node, 'ws').toString()], { groupKey: GROUP, trustGroupBindings: true, ...user });
  open.push(m);
  await waitFor(() => m.service.status().lanNodes === 1, 10_000, 'the member connecting');
  return m;
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
