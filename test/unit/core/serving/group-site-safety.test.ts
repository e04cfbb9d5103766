import { describe, expect, it } from 'vitest';
import type { CspDestination } from '../../../../src/core/serving/csp.ts';
import {
  GROUP_BLOCK_VETO_MS,
  checkFact,
  checkGroupHost,
  groupSafeDestinations,
  tallyGroupSafety,
  type SiteSafetyFact,
} from '../../../../src/core/serving/group-site-safety.ts';
import { createSiteSafety, type DestinationVerdicts } from '../../../../src/core/serving/site-safety.ts';

const NOW = 1_800_000_000_000;
const DAY = 86_400_000;
const all = (t: number): Record<CspDestination, number> => ({ script: t, style: t, font: t, image: t, connect: t });
const allowed = (host: string, t = NOW - DAY): SiteSafetyFact => ({ host, allowed: all(t), blocked: {} });
const reports = (...rs: [string, SiteSafetyFact[]][]): [string, Map<string, SiteSafetyFact>][] => rs.map(([m, fs]) => [m, new Map(fs.map((f) => [f.host, f]))]);
/** Every member counts (no brake). */
const everyone = (ids: readonly string[]): number => ids.length;

describe('tallyGroupSafety: what the node tells', () => {
  it('counts, per host and destination, the members whose latest document allowed data:', () => {
    const v = tallyGroupSafety(reports(['a', [allowed('shop.test')]], ['b', [allowed('shop.test')]], ['c', [{ host: 'shop.test', allowed: { script: NOW - 2 * DAY }, blocked: { image: NOW - 40 * DAY } }]]), everyone, NOW);
    expect(v).toEqual([{ host: 'shop.test', allowed: { script: 3, style: 2, font: 2, image: 2, connect: 2 } }]);
  });

  it("counts through the brake: minted ids of one machine count as the brake says", () => {
    const oneVotePerAddress = (ids: readonly string[]): number => new Set(ids.map((id) => id.split('@')[1])).size;
    const v = tallyGroupSafety(reports(['m1@10.0.0.9', [allowed('x.test')]], ['m2@10.0.0.9', [allowed('x.test')]], ['m3@10.0.0.9', [allowed('x.test')]]), oneVotePerAddress, NOW);
    expect(v[0]?.allowed.script).toBe(1);
    // A brake that counts nobody yet (ids too young): the host is not told at all.
    expect(tallyGroupSafety(reports(['new', [allowed('x.test')]]), () => 0, NOW)).toEqual([]);
  });

  it('a block any member saw recently vetoes that destination, however many vouch', () => {
    const strict: SiteSafetyFact = { host: 'bank.test', allowed: { image: NOW - DAY }, blocked: { script: NOW - DAY, style: NOW - DAY } };
    const v = tallyGroupSafety(reports(['a', [allowed('bank.test')]], ['b', [allowed('bank.test')]], ['liar-proof', [strict]]), everyone, NOW);
    expect(v).toEqual([{ host: 'bank.test', allowed: { font: 2, image: 3, connect: 2 } }]);
    // Past the veto window, the old block no longer vetoes (the member's later allow counts).
    const old: SiteSafetyFact = { host: 'bank.test', allowed: {}, blocked: all(NOW - GROUP_BLOCK_VETO_MS - 1) };
    expect(tallyGroupSafety(reports(['a', [allowed('bank.test')]], ['b', [old]]), everyone, NOW)[0]?.allowed.script).toBe(1);
    // A block from a clock ahead of ours vetoes too.
    expect(tallyGroupSafety(reports(['a', [allowed('bank.test')]], ['b', [{ host: 'bank.test', allowed: {}, blocked: { script: NOW + DAY } }]]), everyone, NOW)[0]?.allowed.script).toBeUndefined();
  });

  it("a member's allow older than its own block is not a vouch", () => {
    const changed: SiteSafetyFact = { host: 'x.test', allowed: { script: NOW - 50 * DAY }, blocked: { script: NOW - 45 * DAY } };
    expect(tallyGroupSafety(reports(['a', [changed]]), everyone, NOW)).toEqual([]);
  });
});

describe('groupSafeDestinations: what a browser takes', () => {
  it('only destinations with at least minMembers members', () => {
    const m = groupSafeDestinations([{ host: 'a.test', allowed: { script: 3, image: 2 } }, { host: 'b.test', allowed: { script: 1 } }], 3);
    expect([...m]).toEqual([['a.test', new Set(['script'])]]);
  });
});

describe('createSiteSafety with the group', () => {
  const allow: DestinationVerdicts = { script: true, style: true, font: true, image: true, connect: true };
  it("uses the group's verdict only where this browser never observed the host", () => {
    const group = new Map([['shop.test', new Set<CspDestination>(['script', 'image'])], ['strict.test', new Set<CspDestination>(['script'])]]);
    const safety = createSiteSafety({ now: () => NOW, group: () => group });
    expect(safety.isSafe('shop.test', ['script', 'image'])).toBe(true);
    expect(safety.isSafe('shop.test', ['style'])).toBe(false);
    expect(safety.gateHosts(['script']).safe).toEqual(['shop.test', 'strict.test']);
    // A strict document seen here wins at once.
    safety.observe('strict.test', { ...allow, script: false });
    expect(safety.isSafe('strict.test', ['script'])).toBe(false);
    expect(safety.gateHosts(['script']).safe).toEqual(['shop.test']);
    // The group's safe host covers subdomains in DNR: an unsafe observed one is re-allowed apart.
    safety.observe('pay.shop.test', { ...allow, script: false });
    expect(safety.gateHosts(['script']).unsafeSubdomains).toEqual(['pay.shop.test']);
  });
});

describe('checkFact / checkGroupHost: what may travel', () => {
  it('refuses hosts DNR cannot name, unknown destinations and bad counts', () => {
    expect(checkFact(allowed('shop.test'))).toEqual(allowed('shop.test'));
    expect(checkFact({ ...allowed('x'), host: 'Shop.Test' })).toBeUndefined();
    expect(checkFact({ host: 'a.test', allowed: { frame: 1 }, blocked: {} })).toBeUndefined();
    expect(checkFact({ host: 'a.test', allowed: { script: -1 }, blocked: {} })).toBeUndefined();
    expect(checkGroupHost({ host: 'a.test', allowed: { script: 0 } })).toBeUndefined();
    expect(checkGroupHost({ host: 'a.test', allowed: {} })).toEqual({ host: 'a.test', allowed: {} });
  });
});
