/**
 * Issue 12: a member's first view of a site its colleagues have seen. Members of a group, each the
 * product's peer service and site-safety store in Node on its own fake IndexedDB, and a LAN node
 * on loopback: what members' documents showed of a site's CSP reaches a colleague within
 * seconds, counted per member up to `minLanPeers`, vetoed by any member that saw the site block
 * `data:`, beaten by the colleague's own observation, and told only for sites the member already
 * names in the bindings it reports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HashList } from '../../../src/core/hash-list/index.ts';
import { mergeSettings } from '../../../src/core/settings/index.ts';
import { createSiteSafetyStore, type SiteSafetyStore } from '../../../src/extension/background/site-safety-store.ts';
import { createPeerService, type PeerService } from '../../../src/extension/peers/peer-service.ts';
import { startLanNode, type LanNode } from '../../../src/node/lan-node.ts';
import { loadNodeHashList } from '../../../src/node/replication.ts';
import type { Store } from '../../../src/store/index.ts';
import { keyOf } from '../../support/bytes.ts';
import { loopbackNodeConfig } from '../../support/lan-node.ts';
import { openMemoryStore } from '../../support/memory-store.ts';
import { waitFor } from '../../support/wait.ts';
import { addressOf } from '../node/harness.ts';
import { within } from '../support/member.ts';

const GROUP = '6a'.repeat(32);
const DAY = 86_400_000;
const STRICT = [{ name: 'Content-Security-Policy', value: "default-src 'self'" }];

interface Browser {
  store: Store;
  service: PeerService;
  safety: SiteSafetyStore;
  /** A page of `host` loaded (headers, then the content script's report) and one of its files was learned. */
  view(host: string, headers?: { name: string; value: string }[]): Promise<void>;
  close(): Promise<void>;
}

let node: LanNode;
let hashList: HashList;
const open: Browser[] = [];
const memory = <T>() => {
  let v: T | undefined;
  return { read: async () => v, write: async (x: T) => void (v = x) };
};

beforeAll(async () => {
  hashList = await loadNodeHashList();
  node = await startLanNode(loopbackNodeConfig({ groupKey: GROUP }), { log: () => {}, mdns: false, pullEveryMs: 600_000 });
});
afterAll(async () => {
  for (const b of open) await b.close();
  await node?.stop();
});

let files = 0;
async function browser(user: Record<string, unknown> = {}): Promise<Browser> {
  const store = await openMemoryStore({ maxCacheBytes: () => 1e8 });
  const settings = mergeSettings({ user: { lanNodes: [addressOf(node, 'ws').toString()], groupKey: GROUP, trustGroupBindings: true, minLanPeers: 2, ...user } }).values;
  const safety = createSiteSafetyStore({ state: memory(), groupState: memory(), minMembers: () => settings.minLanPeers, now: Date.now, log: () => {} });
  const service = createPeerService({ store, hashList, log: () => {}, siteSafety: { ownFacts: () => safety.ownFacts(), takeGroup: (h, full) => safety.takeGroup(h, full) } });
  safety.onObserved(() => service.siteSafetyChanged());
  await service.apply(settings, false);
  await waitFor(() => service.status().lanNodes === 1, 10_000, 'the member connecting');
  let tab = 0;
  const b: Browser = {
    store, service, safety,
    async view(host, headers = []) {
      // What the learner stores after the page loaded one of the site's files, then tells.
      const bytes = new TextEncoder().encode(`window.f${++files} = 1; /* ${'z'.repeat(2000)} */`);
      const mh = await keyOf(bytes);
      await store.blobs.put(mh, bytes, 'text/javascript');
      await store.bindings.put({ url: `https://${host}/app-${files}.js`, mh, source: 'observed', site: host, fetchedAt: Date.now(), freshUntil: Date.now() + DAY, mustRevalidate: false, corsAnyOrigin: true, type: 'text/javascript' });
      service.learned();
      const t = ++tab;
      safety.documentHeaders(t, 0, `https://${host}/`, headers);
      safety.pageReport(t, 0, `https://${host}/`, []);
      await waitFor(() => safety.ownFacts().some((f) => f.host === host), 5_000, 'the view recorded');
    },
    async close() {
      await service.apply(mergeSettings({ user: { sharingMode: 'off' } }).values, false);
      store.close();
    },
  };
  open.push(b);
  return b;
}

describe('colleagues share what sites CSPs allow', () => {
  it("a site two colleagues saw allow data: is data:-safe in B before B's first view of it, within seconds", async () => {
    const [a, c, b] = [await browser(), await browser(), await browser()];
    const started = Date.now();
    await a.view('shop.test');
    // One member is not enough (minLanPeers 2): a lone liar could break a strict site.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(b.safety.isSafe('shop.test', 'script')).toBe(false);
    await c.view('shop.test');
    await within(10_000, () => b.safety.isSafe('shop.test', 'script') && b.safety.gateHosts(['script', 'image']).safe.includes('shop.test'), 'B taking the group verdict');
    expect(Date.now() - started).toBeLessThan(10_000);
    // A member that connects later is told everything at once.
    const late = await browser();
    await within(10_000, () => late.safety.isSafe('shop.test', 'style'), 'a late member taking the group verdict');
  });

  it("any member's recent block vetoes the group; a browser's own observation beats the group", async () => {
    const [a, c, d, b, f] = [await browser(), await browser(), await browser(), await browser(), await browser()];
    await a.view('news.test');
    await c.view('news.test');
    await within(10_000, () => b.safety.isSafe('news.test', 'script') && f.safety.isSafe('news.test', 'script'), 'the group vouching');
    // B's own strict document wins at once, whatever the group says.
    await b.view('news.test', STRICT);
    expect(b.safety.isSafe('news.test', 'script')).toBe(false);
    // D saw the site block data: (a new policy, or a liar's target): the group's verdict goes.
    await d.view('news.test', STRICT);
    await within(10_000, () => !f.safety.isSafe('news.test', 'script'), 'the veto reaching F');
    // A and C keep their own observations.
    expect(a.safety.isSafe('news.test', 'script')).toBe(true);
  });

  it('a site the member names in no reported binding is not told to the node', async () => {
    const [a, c, b] = [await browser(), await browser(), await browser()];
    for (const m of [a, c]) {
      m.safety.documentHeaders(99, 0, 'https://private.test/', []);
      m.safety.pageReport(99, 0, 'https://private.test/', []);
      await waitFor(() => m.safety.ownFacts().some((f) => f.host === 'private.test'), 5_000, 'the view recorded');
      m.service.siteSafetyChanged();
    }
    await a.view('other.test');
    await c.view('other.test');
    await within(10_000, () => b.safety.isSafe('other.test', 'script'), 'the named site arriving');
    expect(b.safety.isSafe('private.test', 'script')).toBe(false);
  });
});
