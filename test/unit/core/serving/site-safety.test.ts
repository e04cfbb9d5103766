import { describe, expect, it } from 'vitest';
import { CSP_DESTINATIONS, type CspDestination } from '../../../../src/core/serving/csp.ts';
import { InvalidServingInputError, InvalidSiteSafetySnapshotError } from '../../../../src/core/serving/errors.ts';
import {
  DEFAULT_QUARANTINE_MS,
  createSiteSafety,
  decodeSiteSafetySnapshot,
  normalizeHost,
  type DestinationVerdicts,
} from '../../../../src/core/serving/site-safety.ts';

const DAY = 24 * 60 * 60 * 1000;
const allow: DestinationVerdicts = { script: true, style: true, font: true, image: true, connect: true };
const block = (...ds: CspDestination[]): DestinationVerdicts => ({ ...allow, ...Object.fromEntries(ds.map((d) => [d, false])) });

function setup(options: { quarantineMs?: number; maxHosts?: number } = {}) {
  const clock = { t: 1_000_000 };
  const safety = createSiteSafety({ now: () => clock.t, ...options });
  return { clock, safety };
}

describe('createSiteSafety: one host', () => {
  it('knows nothing of an unobserved host', () => {
    const { safety } = setup();
    expect(safety.isSafe('a.example', ['script'])).toBe(false);
    expect(safety.gateHosts(['script'])).toEqual({ safe: [], unsafeSubdomains: [] });
  });

  it('makes a host safe per destination after one allowing document', () => {
    const { safety } = setup();
    expect(safety.observe('A.Example.', block('image'))).toBe(true);
    expect(CSP_DESTINATIONS.map((d) => safety.isSafe('a.example', [d]))).toEqual([true, true, true, false, true]);
    expect(safety.isSafe('a.example', ['script', 'image'])).toBe(false);
    expect(safety.gateHosts(['script']).safe).toEqual(['a.example']);
    expect(safety.gateHosts(['image']).safe).toEqual([]);
    expect(safety.gateHosts([]).safe).toEqual([]);
  });

  // Each row: observations [dayOffset, blocksScript], then the check day and the verdict.
  it.each<[string, Array<[number, boolean]>, number, boolean]>([
    ['allowed, stays allowed', [[0, false]], 100, true],
    ['one blocking document after allowing ones', [[0, false], [1, true]], 2, false],
    ['blocking, then allowing within the quarantine', [[0, true], [1, false]], 29, false],
    ['blocking, then allowing, quarantine over', [[0, true], [1, false]], 30, true],
    ['blocking, quarantine over, no later allowing document', [[0, false], [1, true]], 40, false],
    ['blocking only', [[0, true]], 400, false],
    ['a new block restarts the quarantine', [[0, true], [1, false], [20, true], [21, false]], 35, false],
    ['... which then ends', [[0, true], [1, false], [20, true], [21, false]], 50, true],
  ])('%s', (_label, observations, checkDay, expected) => {
    const { clock, safety } = setup();
    const start = clock.t;
    for (const [day, blocks] of observations) {
      clock.t = start + day * DAY;
      safety.observe('a.example', blocks ? block('script') : allow);
    }
    clock.t = start + checkDay * DAY;
    expect(safety.isSafe('a.example', ['script'])).toBe(expected);
  });

  it('keeps a host quarantined when the clock goes backwards', () => {
    const { clock, safety } = setup();
    safety.observe('a.example', block('script'));
    clock.t += 1;
    safety.observe('a.example', allow);
    clock.t -= 10 * DAY;
    expect(safety.isSafe('a.example', ['script'])).toBe(false);
  });

  it('treats an allowing and a blocking document in the same millisecond as blocking, even after the quarantine', () => {
    const { clock, safety } = setup({ quarantineMs: 1 });
    safety.observe('a.example', block('script'));
    safety.observe('a.example', allow);
    clock.t += 10;
    expect(safety.isSafe('a.example', ['script'])).toBe(false);
  });

  it('tells when a quarantine can end', () => {
    const { clock, safety } = setup();
    expect(safety.nextChangeAt()).toBeNull();
    const blockedAt = clock.t;
    safety.observe('a.example', block('script'));
    expect(safety.nextChangeAt()).toBeNull(); // no allowing document since: only a new observation helps
    clock.t += DAY;
    safety.observe('a.example', allow);
    expect(safety.nextChangeAt()).toBe(blockedAt + DEFAULT_QUARANTINE_MS);
    clock.t = blockedAt + DEFAULT_QUARANTINE_MS;
    expect(safety.nextChangeAt()).toBeNull();
  });

  it('refuses hosts that DNR domain lists cannot name', () => {
    const { safety } = setup();
    for (const host of ['', '[::1]', 'exa mple.com', 'bücher.example', 'a..b']) expect(safety.observe(host, allow)).toBe(false);
    expect(safety.size).toBe(0);
    expect(normalizeHost('XN--BCHER-KVA.Example.')).toBe('xn--bcher-kva.example');
    expect(normalizeHost('10.0.0.1')).toBe('10.0.0.1');
  });

  it('rejects nonsense limits', () => {
    expect(() => createSiteSafety({ now: () => 0, quarantineMs: 0 })).toThrow(InvalidServingInputError);
    expect(() => createSiteSafety({ now: () => 0, maxHosts: -1 })).toThrow(InvalidServingInputError);
  });
});

describe('gateHosts and subdomains', () => {
  it('lists observed unsafe subdomains of safe hosts apart (DNR domains cover subdomains)', () => {
    const { safety } = setup();
    safety.observe('example.com', allow);
    safety.observe('bad.example.com', block('script'));
    safety.observe('deep.bad.example.com', block('script'));
    safety.observe('good.example.com', allow);
    safety.observe('other.test', block('script'));
    safety.observe('notexample.com', block('script')); // a suffix match, not a subdomain
    expect(safety.gateHosts(['script'])).toEqual({
      safe: ['example.com', 'good.example.com'],
      unsafeSubdomains: ['bad.example.com', 'deep.bad.example.com'],
    });
    expect(safety.gateHosts(['style']).unsafeSubdomains).toEqual([]);
  });
});

describe('bounded size', () => {
  it('forgets the least recently observed host beyond maxHosts', () => {
    const { clock, safety } = setup({ maxHosts: 2 });
    safety.observe('a.test', allow);
    clock.t++;
    safety.observe('b.test', allow);
    clock.t++;
    safety.observe('a.test', allow); // a is now the most recent
    clock.t++;
    safety.observe('c.test', allow);
    expect(safety.size).toBe(2);
    expect(safety.gateHosts(['script']).safe).toEqual(['a.test', 'c.test']);
  });

  it('forgets on request', () => {
    const { safety } = setup();
    safety.observe('a.test', allow);
    safety.forget('A.TEST');
    expect(safety.size).toBe(0);
  });
});

describe('snapshots', () => {
  it('round-trips through JSON, keeping LRU order and quarantines', () => {
    const { clock, safety } = setup({ maxHosts: 2 });
    safety.observe('a.test', block('font'));
    clock.t++;
    safety.observe('a.test', allow);
    clock.t++;
    safety.observe('b.test', allow);
    const json = JSON.parse(JSON.stringify(safety.toJSON())) as unknown;
    const restored = createSiteSafety({ now: () => clock.t, maxHosts: 2, snapshot: decodeSiteSafetySnapshot(json) });
    expect(restored.toJSON()).toEqual(safety.toJSON());
    expect(restored.isSafe('a.test', ['font'])).toBe(false);
    expect(restored.isSafe('a.test', ['script'])).toBe(true);
    clock.t++;
    restored.observe('c.test', allow); // evicts a.test, the oldest
    expect(restored.toJSON().hosts.map(([h]) => h)).toEqual(['b.test', 'c.test']);
  });

  it('does not share state with the snapshot it was given or returned', () => {
    const { safety } = setup();
    safety.observe('a.test', allow);
    const snap = safety.toJSON();
    snap.hosts[0]![1].blockedAt.script = 1;
    expect(safety.isSafe('a.test', ['script'])).toBe(true);
  });

  it('applies maxHosts to a restored snapshot', () => {
    const rec = { seenAt: 1, allowedAt: { script: 1 }, blockedAt: {} };
    const s = createSiteSafety({ now: () => 2, maxHosts: 1, snapshot: { version: 1, hosts: [['a.test', rec], ['b.test', rec]] } });
    expect(s.gateHosts(['script']).safe).toEqual(['b.test']);
  });

  it.each([null, 1, 'x', {}, { version: 2, hosts: [] }, { version: 1, hosts: {} }])('throws on %j', (value) => {
    expect(() => decodeSiteSafetySnapshot(value)).toThrow(InvalidSiteSafetySnapshotError);
  });

  it('drops malformed host entries alone', () => {
    const good = { seenAt: 1, allowedAt: { script: 1, bogus: 'x' }, blockedAt: {} };
    const decoded = decodeSiteSafetySnapshot({
      version: 1,
      hosts: [
        ['ok.test', good],
        ['bad host', good],
        ['no-seen.test', { allowedAt: {}, blockedAt: {} }],
        ['bad-time.test', { seenAt: 1, allowedAt: { script: 'x' }, blockedAt: {} }],
        ['OK.test', good], // duplicate after normalisation
        'junk',
        ['arr.test', { seenAt: 1, allowedAt: [], blockedAt: {} }],
      ],
    });
    expect(decoded).toEqual({ version: 1, hosts: [['ok.test', { seenAt: 1, allowedAt: { script: 1 }, blockedAt: {} }]] });
  });
});
