/**
 * The office's only LAN node killed and restarted (issue 10, item 7): browsers are back on it
 * within 10 s of its restart, and what it hosted and its bindings book came back from disk, so
 * a colleague gets the file from it again. While it is down, asking for the file is a clean
 * miss that stores nothing. (With a second node to fail over to: multi-node.test.ts.)
 *
 * The browsers are the extension's peer service run in Node (support/member.ts); the node is
 * stopped and started on the same ports with the same data directory, so its key and peer id
 * are the same, as a service manager restarting the daemon would have it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HashList } from '../../../src/core/hash-list/index.ts';
import { startLanNode, type LanNode } from '../../../src/node/lan-node.ts';
import { loadNodeHashList } from '../../../src/node/replication.ts';
import { startMember, within, type Member } from '../support/member.ts';
import { addressOf } from './harness.ts';
import { loopbackNodeConfig, tempDir } from '../../support/lan-node.ts';

const GROUP = '5c'.repeat(32);
const BOUND_MS = 10_000;

let hashList: HashList;
let node: LanNode | undefined;
const members: Member[] = [];
beforeAll(async () => {
  hashList = await loadNodeHashList();
});
afterAll(async () => {
  for (const m of members) await m.close();
  await node?.stop();
});

const portOf = (n: LanNode, kind: 'tcp' | 'ws'): number => Number(/\/tcp\/(\d+)/.exec(addressOf(n, kind).toString())![1]);
const start = (over: { dataDir: string; tcpPort?: number; wsPort?: number }): Promise<LanNode> =>
  startLanNode(loopbackNodeConfig({ groupKey: GROUP, ...over }), { log: () => {}, mdns: false, pullEveryMs: 600_000 });

it('browsers are back on the restarted node within 10 s, and it still has the file and the book', async () => {
  const dataDir = tempDir('lan-node');
  node = await start({ dataDir });
  const peerId = node.libp2p.peerId.toString();
  const ports = { tcpPort: portOf(node, 'tcp'), wsPort: portOf(node, 'ws') };
  const address = addressOf(node, 'ws').toString();
  const member = async (user: Record<string, unknown>): Promise<Member> => {
    const m = await startMember(hashList, [address], { groupKey: GROUP, trustGroupBindings: true, requirePopular: false, ...user });
    members.push(m);
    await within(BOUND_MS, () => m.service.status().lanNodes === 1, 'the member connecting');
    return m;
  };
  const first = await member({});
  const url = 'https://site-a.test/js/restart.js';
  const file = new TextEncoder().encode(`window.restart = 1; /* ${'r'.repeat(6000)} */`);
  const mh = await first.observe(url, file);
  await within(BOUND_MS, () => node!.cache.has(mh) && node!.groupBindings?.best(url)?.mh === mh, 'the node hosting the file and booking its URL');
  // A colleague who keeps only what it asks for: the file can come only from the node.
  const colleague = await member({ replicatePopular: false });

  await node.stop();
  node = undefined;
  await within(BOUND_MS, () => first.service.status().lanNodes === 0 && colleague.service.status().lanNodes === 0, 'the browsers seeing the node gone');
  // Down: a clean miss, nothing stored, the browser still running.
  expect(await colleague.service.lookup(url, 'text/javascript', 1e6)).not.toBe('stored');
  expect(await colleague.store.blobs.has(mh)).toBe(false);
  expect(colleague.service.status().state).toBe('running');

  node = await start({ dataDir, ...ports });
  const restarted = Date.now();
  expect(node.libp2p.peerId.toString()).toBe(peerId);
  await within(BOUND_MS, () => first.service.status().lanNodes === 1 && colleague.service.status().lanNodes === 1, 'both browsers back on the restarted node');
  const reconnectMs = Date.now() - restarted;
  expect(reconnectMs).toBeLessThan(BOUND_MS);

  // Nothing lost: the hosted block and the book came back from disk, and serve the colleague.
  expect(node.cache.has(mh)).toBe(true);
  expect(node.groupBindings?.best(url)?.mh).toBe(mh);
  expect(await colleague.service.lookup(url, 'text/javascript', 1e6)).toBe('stored');
  expect((await colleague.store.blobs.get(mh))?.bytes).toEqual(file);
});
