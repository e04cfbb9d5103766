/**
 * The brake on minted peer ids (issue 10, item 1): which reporters count toward a binding's
 * holders in the LAN node's book. Members count once old enough, one per address.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openGroupBindings } from '../../../src/node/group-bindings.ts';
import { createGroupMembers } from '../../../src/node/group-members.ts';
import type { GroupBinding } from '../../../src/p2p/bindings/index.ts';

const MH1 = 'EiDjsMRCmPwcFJr79MiZb7kkJ65B5GSbk0yklZkbeFK4VQ';
const MH2 = 'EiAtcRZCtyawRAFifKn7rDL1yFMPsZA8xNsCJYcXkhpIgQ';
const T0 = 1_800_000_000_000;
const MIN = 60_000;
const URL = 'https://site-a.test/app.js';
const b = (mh: string): GroupBinding => ({ url: URL, mh, freshUntil: T0 + 86_400_000, holders: 1, type: 'text/javascript', corsAnyOrigin: true });

async function book(dir?: string) {
  const dataDir = dir ?? (await mkdtemp(join(tmpdir(), 'peercache-brake-')));
  let t = T0;
  const g = await openGroupBindings({ dataDir, now: () => t, log: () => {}, memberAgeMinutes: 10, holdersPerAddress: 1 });
  return { g, dataDir, advance: (ms: number) => void (t += ms), at: (ms: number) => void (t = T0 + ms) };
}

const holdersOf = (g: Awaited<ReturnType<typeof book>>['g'], url = URL) => g.best(url) && { mh: g.best(url)!.mh, holders: g.best(url)!.holders };

describe('group members (the brake on minted ids)', () => {
  it('counts an id only after 10 minutes of membership, and one id per address', () => {
    const m = createGroupMembers({ minAgeMs: 10 * MIN, perAddress: 1 });
    for (const id of ['a1', 'a2', 'a3']) m.seen(id, '10.0.0.5', T0);
    m.seen('b', '10.0.0.6', T0 + 5 * MIN);
    expect(m.count(['a1', 'a2', 'a3', 'b'], T0 + 9 * MIN)).toBe(0);
    expect(m.count(['a1', 'a2', 'a3', 'b'], T0 + 10 * MIN)).toBe(1);
    expect(m.count(['a1', 'a2', 'a3', 'b'], T0 + 15 * MIN)).toBe(2);
    // Never seen: never counted.
    expect(m.count(['stranger'], T0 + 60 * MIN)).toBe(0);
  });

  it('a flood of new ids from many addresses does not push out members whose age counts', () => {
    const m = createGroupMembers({ minAgeMs: 10 * MIN, perAddress: 1 });
    m.seen('old', '10.0.0.5', T0);
    for (let i = 0; i < 20_000; i++) m.seen(`minted-${i}`, `10.1.${i >> 8}.${i & 255}`, T0 + 20 * MIN);
    expect(m.size()).toBeLessThanOrEqual(10_000);
    expect(m.count(['old'], T0 + 20 * MIN)).toBe(1);
  });
});

describe('the book with the brake', () => {
  it('a member minting 5 fresh ids on its machine cannot raise a binding above one holder, then or later', async () => {
    const { g, advance } = await book();
    for (let i = 0; i < 5; i++) g.report(`minted-${i}`, [b(MH2)], '10.0.0.66');
    // Not one of them counts yet: the claim is not told to anyone.
    expect(g.best(URL)).toBeUndefined();
    expect(g.list()).toEqual([]);
    advance(10 * MIN);
    expect(holdersOf(g)).toEqual({ mh: MH2, holders: 1 });
    // Two honest members of other machines, members for 10 minutes, outvote it.
    g.report('alice', [b(MH1)], '10.0.0.2');
    g.report('bob', [b(MH1)], '10.0.0.3');
    expect(holdersOf(g)).toEqual({ mh: MH2, holders: 1 });
    advance(10 * MIN);
    expect(holdersOf(g)).toEqual({ mh: MH1, holders: 2 });
    // Five more ids, from five more addresses: nothing for 10 minutes.
    for (let i = 0; i < 5; i++) g.report(`alias-${i}`, [b(MH2)], `10.0.0.${100 + i}`);
    advance(9 * MIN);
    expect(holdersOf(g)).toEqual({ mh: MH1, holders: 2 });
    // What the brake cannot stop: addresses that waited out the age count (SECURITY.md).
    advance(1 * MIN);
    expect(holdersOf(g)).toEqual({ mh: MH2, holders: 6 });
  });

  it('members keep their age across a restart of the node', async () => {
    const first = await book();
    first.g.report('alice', [b(MH1)], '10.0.0.2');
    first.g.seen('bob', '10.0.0.3');
    await first.g.save();
    const again = await book(first.dataDir);
    again.at(10 * MIN);
    expect(holdersOf(again.g)).toEqual({ mh: MH1, holders: 1 });
    again.g.report('bob', [b(MH1)], '10.0.0.3');
    expect(holdersOf(again.g)).toEqual({ mh: MH1, holders: 2 });
  });
});
