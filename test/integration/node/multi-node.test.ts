/**
 * More than one LAN node (issue 12, item 6): nodes of a group connected by configuration share
 * their hosted blocks and bindings book both ways, so a member of one is told within seconds
 * what a member of the other learned; a browser configured with two nodes keeps fetching when
 * one is killed, and is back on it within 10 s of its restart, which lost nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HashList } from '../../../src/core/hash-list/index.ts';
import { startLanNode, type LanNode } from '../../../src/node/lan-node.ts';
import type { NodeConfig } from '../../../src/node/config.ts';
import { loadNodeHashList } from '../../../src/node/replication.ts';
import { startMember, within, type Member } from '../support/member.ts';
import { addressOf } from './harness.ts';
import { loopbackNodeConfig, tempDir } from '../../support/lan-node.ts';

const GROUP = '7b'.repeat(32);
const file = (n: number): Uint8Array => new TextEncoder().encode(`window.shared${n} = ${n}; /* ${'z'.repeat(4000)} */`);

let hashList: HashList;
const nodes: LanNode[] = [];
const members: Member[] = [];
beforeAll(async () => {
  hashList = await loadNodeHashList();
});
afterAll(async () => {
  for (const m of members) await m.close();
  for (const n of nodes) await n.stop();
});

async function lanNode(over: Partial<NodeConfig> = {}, pullEveryMs = 600_000): Promise<LanNode> {
  const n = await startLanNode(loopbackNodeConfig({ groupKey: GROUP, ...over }), { log: () => {}, mdns: false, pullEveryMs });
  nodes.push(n);
  return n;
}
async function member(on: LanNode[], user: Record<string, unknown> = {}): Promise<Member> {
  const m = await startMember(hashList, on.map((n) => addressOf(n, 'ws').toString()), { groupKey: GROUP, trustGroupBindings: true, requirePopular: false, ...user });
  members.push(m);
  await within(10_000, () => m.service.status().lanNodes === on.length, 'the member connecting');
  return m;
}
const portOf = (n: LanNode, kind: 'tcp' | 'ws'): number => Number(/\/tcp\/(\d+)/.exec(addressOf(n, kind).toString())![1]);

describe('two LAN nodes of one group, connected by configuration', () => {
  it('share what members learn both ways: a member of one node can serve, within 10 s, a file a member of the other loaded', async () => {
    // Each node is given the other (ADMIN.md): only configured nodes are trusted with their
    // book's counts. A node that is not would count the other as one member, whose book then
    // tells that member's own report back to it (a count one too high). A is restarted with B
    // as its peer, on its own key and ports, since B's address is known only once B runs.
    const dataDir = tempDir('lan-node');
    const first = await lanNode({ dataDir });
    const ports = { tcpPort: portOf(first, 'tcp'), wsPort: portOf(first, 'ws') };
    const b = await lanNode({ peers: [addressOf(first, 'tcp').toString()] });
    await first.stop();
    nodes.splice(nodes.indexOf(first), 1);
    const a = await lanNode({ dataDir, ...ports, peers: [addressOf(b, 'tcp').toString()] });
    await within(10_000, () => b.libp2p.getConnections(a.libp2p.peerId).length > 0, 'the nodes connecting');
    const onA = await member([a]);
    const onB = await member([b]);
    const url = 'https://site-a.test/js/shared-1.js';
    const mh = await onA.observe(url, file(1));
    await within(10_000, async () => (await onB.serves(url)) === mh, 'the member of node B serving the file');
    expect(b.cache.has(mh)).toBe(true);
    expect(b.groupBindings?.best(url)?.holders).toBe(1);
    // And back: what a member of B learns reaches A's member.
    const back = 'https://site-b.test/js/shared-2.js';
    const mh2 = await onB.observe(back, file(2));
    await within(10_000, async () => (await onA.serves(back)) === mh2, 'the member of node A serving the file');
    // A member reporting to both nodes (failover) is one holder, not two.
    const both = await member([a, b]);
    await both.observe(url, file(1));
    await within(10_000, () => a.groupBindings?.best(url)?.holders === 2 && b.groupBindings?.best(url)?.holders === 2, 'both books counting two members');
  });

  it('a node configured one way is not told back its own part: its count of a member reporting to both nodes stays true', async () => {
    // B is given A; A is not given B (as when B is added later, or found by mDNS): A counts B's
    // book as one member's report. Told back to B with that report in it, B would count its own
    // member twice (3 holders for 2 members, as this test measured before split horizon).
    // Both pull each other every second, so the test sees several answers each way.
    const a = await lanNode({}, 1_000);
    const b = await lanNode({ peers: [addressOf(a, 'tcp').toString()] }, 1_000);
    await within(10_000, () => b.libp2p.getConnections(a.libp2p.peerId).length > 0, 'the nodes connecting');
    const onA = await member([a]);
    const url = 'https://site-c.test/js/shared-4.js';
    await onA.observe(url, file(4));
    await within(10_000, () => b.groupBindings?.best(url)?.holders === 1, 'B hearing of the file');
    const both = await member([a, b]);
    await both.observe(url, file(4));
    await within(10_000, () => b.groupBindings?.best(url)?.holders === 2, 'B counting two members');
    // A's next answers to B (its updates, B's pulls of A's book) must not raise it.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(b.groupBindings?.best(url)?.holders).toBe(2);
    // A itself counts B as one member beside the two: the documented price of a node it does not trust.
    expect(a.groupBindings?.best(url)?.holders).toBeLessThanOrEqual(3);
  });

  it('a browser with two nodes keeps fetching while one is killed, and is back on it within 10 s of its restart, which lost nothing', async () => {
    const dataDir = tempDir('lan-node');
    let c = await lanNode({ dataDir });
    const d = await lanNode({ peers: [addressOf(c, 'tcp').toString()] });
    const ports = { tcpPort: portOf(c, 'tcp'), wsPort: portOf(c, 'ws') };
    const first = await member([c, d]);
    const url = 'https://site-a.test/js/shared-3.js';
    const mh = await first.observe(url, file(3));
    await within(10_000, () => c.cache.has(mh) && d.cache.has(mh), 'both nodes hosting the file');
    await within(3_000, () => c.groupBindings?.best(url) !== undefined, 'the book');
    const second = await member([c, d], { replicatePopular: false });

    await c.stop();
    nodes.splice(nodes.indexOf(c), 1);
    // C is gone; the file still comes over the LAN, from D.
    expect(await second.service.lookup(url, 'text/javascript', 1e6)).toBe('stored');
    expect(await second.store.blobs.has(mh)).toBe(true);

    c = await lanNode({ dataDir, ...ports });
    const restarted = Date.now();
    await within(10_000, () => first.service.status().lanNodes === 2 && second.service.status().lanNodes === 2, 'both browsers back on the restarted node');
    expect(Date.now() - restarted).toBeLessThan(10_000);
    // Nothing lost: the hosted block and the book came back from disk.
    expect(c.cache.has(mh)).toBe(true);
    expect(c.groupBindings?.best(url)?.mh).toBe(mh);
  });
});
