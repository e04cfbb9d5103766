import { describe, expect, it } from 'vitest';
import type { SiteSafetyFact } from '../../../src/core/serving/group-site-safety.ts';
import { MAX_FACTS_PER_MEMBER } from '../../../src/core/serving/group-site-safety.ts';
import { openGroupSiteSafety } from '../../../src/node/group-site-safety.ts';
import { tempDir } from '../../support/lan-node.ts';

const T0 = 1_800_000_000_000;
const MIN = 60_000;
const ok = (host: string, t = T0): SiteSafetyFact => ({ host, allowed: { script: t, style: t, font: t, image: t, connect: t }, blocked: {} });

async function book(brake: { memberAgeMinutes?: number; holdersPerAddress?: number } = {}) {
  const dir = tempDir('site-safety');
  let t = T0;
  const open = () => openGroupSiteSafety({ dataDir: dir, now: () => t, log: () => {}, ...brake });
  return { open, advance: (ms: number) => void (t += ms) };
}

describe("the node's book of site-safety facts", () => {
  it('counts members per host without naming them, and says which hosts a report named', async () => {
    const { open } = await book();
    const g = await open();
    expect(g.report('peerA', [ok('shop.test')], false)).toEqual(['shop.test']);
    g.report('peerA', [ok('shop.test')], false);
    g.report('peerB', [ok('shop.test'), ok('news.test')], false);
    expect(g.verdicts()).toEqual([{ host: 'shop.test', allowed: { script: 2, style: 2, font: 2, image: 2, connect: 2 } }, { host: 'news.test', allowed: { script: 1, style: 1, font: 1, image: 1, connect: 1 } }]);
    expect(JSON.stringify(g.verdicts())).not.toContain('peer');
    // Asked for given hosts, one nobody vouches for says so (members drop it).
    expect(g.verdicts(['gone.test'])).toEqual([{ host: 'gone.test', allowed: {} }]);
  });

  it('brakes minted ids like bindings: 10 minutes of membership, one per address', async () => {
    const { open, advance } = await book({ memberAgeMinutes: 10, holdersPerAddress: 1 });
    const g = await open();
    for (const id of ['m1', 'm2', 'm3']) g.report(id, [ok('strict.test')], false, '10.0.0.66');
    // Too young: nothing told.
    expect(g.verdicts()).toEqual([]);
    advance(10 * MIN);
    // One machine, one vote, however many ids it made.
    expect(g.verdicts()[0]?.allowed.script).toBe(1);
    g.seen('honest', '10.0.0.7');
    advance(10 * MIN);
    g.report('honest', [ok('strict.test')], false, '10.0.0.7');
    expect(g.verdicts()[0]?.allowed.script).toBe(2);
  });

  it('a new id vetoes at once (a veto can only cost bytes); a full report replaces what the member told before', async () => {
    const { open, advance } = await book({ memberAgeMinutes: 10 });
    const g = await open();
    g.report('a', [ok('x.test')], false);
    g.report('b', [ok('x.test')], false);
    advance(10 * MIN);
    expect(g.verdicts()[0]?.allowed.script).toBe(2);
    g.report('newcomer', [{ host: 'x.test', allowed: {}, blocked: { script: T0 } }], false);
    expect(g.verdicts()[0]?.allowed).toEqual({ style: 2, font: 2, image: 2, connect: 2 });
    g.report('newcomer', [], true);
    expect(g.verdicts()[0]?.allowed.script).toBe(2);
  });

  it('keeps members and facts across a restart, and is bounded per member', async () => {
    const { open, advance } = await book({ memberAgeMinutes: 10 });
    const g = await open();
    g.report('a', Array.from({ length: MAX_FACTS_PER_MEMBER + 5 }, (_, i) => ok(`h${i}.test`)), false);
    g.report('a', [ok('late.test')], false);
    expect(g.size()).toBe(MAX_FACTS_PER_MEMBER);
    await g.save();
    advance(10 * MIN);
    const again = await open();
    expect(again.size()).toBe(MAX_FACTS_PER_MEMBER);
    // The member's age survived the restart, and its least recently told hosts went first.
    expect(again.verdicts(['late.test', 'h0.test'])).toEqual([{ host: 'late.test', allowed: { script: 1, style: 1, font: 1, image: 1, connect: 1 } }, { host: 'h0.test', allowed: {} }]);
  });
});
