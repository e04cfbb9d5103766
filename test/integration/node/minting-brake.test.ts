/**
 * The brake on minted peer ids, on a real LAN node (issue 10, item 1): group members on loopback
 * addresses of their own (127.0.0.x: separate machines) report bindings with
 * `/peercache/update/1.0.0`, and the node's book, as any member reads it
 * (`/peercache/bindings/1.0.0`), counts only ids that have been members for 10 minutes, one per
 * address. The node's clock is moved forward instead of waiting.
 */
import type { Libp2p } from '@libp2p/interface';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNodeConfig, type NodeConfig } from '../../../src/node/config.ts';
import { startLanNode, type LanNode } from '../../../src/node/lan-node.ts';
import { fetchBindings, type GroupBinding } from '../../../src/p2p/bindings/index.ts';
import { sendUpdate } from '../../../src/p2p/update/index.ts';
import { addressOf, startClient } from './harness.ts';

const GROUP = 'cd'.repeat(32);
const MIN = 60_000;
const URL = 'https://site-a.test/app.js';
/** What the origin serves (honest members) and what one member claims instead. */
const HONEST = 'EiDjsMRCmPwcFJr79MiZb7kkJ65B5GSbk0yklZkbeFK4VQ';
const FORGED = 'EiAtcRZCtyawRAFifKn7rDL1yFMPsZA8xNsCJYcXkhpIgQ';
const record = (mh: string): GroupBinding => ({ url: URL, mh, freshUntil: Date.now() + 86_400_000, holders: 1, type: 'text/javascript', corsAnyOrigin: true });

let node: LanNode;
let skew = 0;
const lines: string[] = [];
const clients: Libp2p[] = [];

beforeAll(async () => {
  // The daemon's own defaults (10 minutes, one id per address), as `peercache-node` starts.
  const daemon = loadNodeConfig(['--host', '127.0.0.1', '--tcp-port', '1', '--ws-port', '2', '--http-port', '3'], { XDG_DATA_HOME: tmpdir() }) as NodeConfig;
  expect([daemon.memberAgeMinutes, daemon.holdersPerAddress]).toEqual([10, 1]);
  const config: NodeConfig = { ...daemon, tcpPort: 0, wsPort: 0, httpPort: 0, dataDir: await mkdtemp(join(tmpdir(), 'peercache-brake-')), cacheMB: 16, groupKey: GROUP };
  node = await startLanNode(config, { log: (l) => lines.push(l), mdns: false, now: () => Date.now() + skew, pullEveryMs: 600_000 });
});
afterAll(async () => {
  for (const c of clients) await Promise.resolve(c.stop()).catch(() => undefined);
  await node?.stop();
});

/** A member on its own machine (`host` a loopback address) with a fresh peer id. */
async function member(host: string): Promise<Libp2p> {
  const c = await startClient({ transport: 'tcp', groupKey: GROUP, localAddress: host });
  clients.push(c);
  await c.dial(addressOf(node, 'tcp'));
  return c;
}

/**
 * Tells the node `mh` for the URL, as a member's browser does after its page loaded it, and waits
 * until the node took it in: it then asks the member for the block, which these members do not
 * serve, and logs that (the clock must not move while a report is still on its way).
 */
async function report(c: Libp2p, mh: string): Promise<void> {
  const id = c.peerId.toString();
  await sendUpdate(c, node.libp2p.peerId, { have: [], bindings: [record(mh)] });
  const deadline = Date.now() + 5_000;
  while (!lines.some((l) => l.startsWith(`replication from ${id}`)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/** The node's record of the URL, as members are told it (undefined: not told at all). */
async function told(reader: Libp2p): Promise<{ mh: string; holders: number } | undefined> {
  const r = (await fetchBindings(reader, node.libp2p.peerId, Date.now())).find((b) => b.url === URL);
  return r && { mh: r.mh, holders: r.holders };
}

/** Waits until the node's record is `want` (updates are taken in the background). */
async function expectTold(reader: Libp2p, want: { mh: string; holders: number } | undefined): Promise<void> {
  const deadline = Date.now() + 5_000;
  let got = await told(reader);
  while (JSON.stringify(got) !== JSON.stringify(want) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    got = await told(reader);
  }
  expect(got).toEqual(want);
}

describe('a LAN node counting a binding\'s holders', () => {
  it('a member minting 5 fresh ids on its machine binds nothing for 10 minutes, and then counts once; older honest members outvote it', async () => {
    const reader = await member('127.0.0.20');
    const minted = await Promise.all([1, 2, 3, 4, 5].map(() => member('127.0.0.66')));
    for (const c of minted) await report(c, FORGED);
    // The reports are in the book, but no id is old enough to count.
    await expectTold(reader, undefined);

    const alice = await member('127.0.0.2');
    const bob = await member('127.0.0.3');
    await report(alice, HONEST);
    await report(bob, HONEST);
    await expectTold(reader, undefined);

    // Ten minutes on: the five minted ids of one machine count as one; alice and bob as two.
    skew += 10 * MIN;
    await expectTold(reader, { mh: HONEST, holders: 2 });

    // Five more ids, now from five addresses: nothing changes for another 10 minutes.
    const aliases = await Promise.all([1, 2, 3, 4, 5].map((i) => member(`127.0.0.${100 + i}`)));
    for (const c of aliases) await report(c, FORGED);
    skew += 9 * MIN;
    await expectTold(reader, { mh: HONEST, holders: 2 });
    // What the brake bounds but cannot stop: six addresses that waited out the age (SECURITY.md).
    skew += 1 * MIN;
    await expectTold(reader, { mh: FORGED, holders: 6 });
  });
});
