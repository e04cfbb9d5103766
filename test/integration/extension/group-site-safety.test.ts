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
import { startLanNode, type LanNode } from '../../../src/node/lan-node.ts';
import { loadNodeHashList } from '../../../src/node/replication.ts';
import { loopbackNodeConfig } from '../../support/lan-node.ts';
import { startSiteSafetyMember, type SiteSafetyMember } from '../../support/site-safety-member.ts';
import { waitFor } from '../../support/wait.ts';
import { addressOf } from '../node/harness.ts';
import { within } from '../support/member.ts';

const GROUP = '6a'.repeat(32);
const STRICT = [{ name: 'Content-Security-Policy', value: "default-src 'self'" }];

let node: LanNode;
let hashList: HashList;
const open: SiteSafetyMember[] = [];

beforeAll(async () => {
  hashList = await loadNodeHashList();
  node = await startLanNode(loopbackNodeConfig({ groupKey: GROUP }), { log: () => {}, mdns: false, pullEveryMs: 600_000 });
});
afterAll(async () => {
  for (const b of open) await b.close();
  await node?.stop();
});

async function browser(user: Record<string, unknown> = {}): Promise<SiteSafetyMember> {
  const b = await startSiteSafetyMember(hashList, addressOf(node, 'ws').toString(), GROUP, user);
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
