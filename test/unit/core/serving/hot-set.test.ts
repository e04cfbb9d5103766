import { describe, expect, it } from 'vitest';
import { dataUrlLength } from '../../../../src/core/serving/data-url.ts';
import { InvalidServingInputError, RuleIdsExhaustedError } from '../../../../src/core/serving/errors.ts';
import {
  ASSET_RULE_IDS,
  DEFAULT_SCORE_HALF_LIFE_MS,
  chooseHotSet,
  createRuleIdAllocator,
  diffRuleSets,
  usageScore,
  type HotSetCandidate,
} from '../../../../src/core/serving/hot-set.ts';

const c = (key: string, score: number, size = 300, extra: Partial<HotSetCandidate> = {}): HotSetCandidate => ({
  key,
  score,
  size,
  type: 'text/javascript',
  urls: [`https://cdn.example/${key}.js`],
  ...extra,
});
const keys = (list: readonly HotSetCandidate[]): string[] => list.map((x) => x.key);
const len = (size: number): number => dataUrlLength(size, 'text/javascript');

describe('usageScore', () => {
  const now = 1_000_000_000_000;
  it.each<[number, number, number]>([
    [10, now, 10],
    [10, now - DEFAULT_SCORE_HALF_LIFE_MS, 5],
    [10, now - 2 * DEFAULT_SCORE_HALF_LIFE_MS, 2.5],
    [10, now + 5_000, 10], // a clock behind the last use: age 0
    [0, now, 0],
    [-3, now, 0],
    [Number.NaN, now, 0],
    [5, Number.NaN, 0],
  ])('useCount %d, lastUsedAt %d -> %d', (useCount, lastUsedAt, expected) => {
    expect(usageScore({ useCount, lastUsedAt }, now)).toBeCloseTo(expected, 10);
  });

  it('ranks frequent-but-old against rare-but-recent by the half-life', () => {
    const old = usageScore({ useCount: 100, lastUsedAt: now - 7 * DEFAULT_SCORE_HALF_LIFE_MS }, now);
    const recent = usageScore({ useCount: 1, lastUsedAt: now }, now);
    expect(old).toBeLessThan(recent);
  });

  it('rejects a non-positive half-life', () => {
    expect(() => usageScore({ useCount: 1, lastUsedAt: 0 }, 0, 0)).toThrow(InvalidServingInputError);
  });
});

describe('chooseHotSet', () => {
  it('takes the highest scores first, ties by key', () => {
    const hot = chooseHotSet([c('b', 1), c('c', 5), c('a', 1), c('d', 3)]);
    expect(keys(hot.chosen)).toEqual(['c', 'd', 'a', 'b']);
    expect(hot.payloadBytes).toBe(4 * len(300));
    expect(hot.excluded).toEqual([]);
  });

  it('is deterministic whatever the input order', () => {
    const list = [c('x', 2), c('y', 2), c('z', 2), c('w', 9)];
    expect(keys(chooseHotSet(list).chosen)).toEqual(keys(chooseHotSet([...list].reverse()).chosen));
  });

  it('stops at maxRules', () => {
    const hot = chooseHotSet([c('a', 3), c('b', 2), c('c', 1)], { maxRules: 2 });
    expect(keys(hot.chosen)).toEqual(['a', 'b']);
    expect(hot.excluded).toEqual([{ key: 'c', reason: 'over-rule-budget' }]);
  });

  it('skips what does not fit the payload budget and keeps filling with smaller ones', () => {
    const hot = chooseHotSet([c('a', 3, 3000), c('big', 2, 6000), c('small', 1, 300)], { maxPayloadBytes: len(3000) + len(300) });
    expect(keys(hot.chosen)).toEqual(['a', 'small']);
    expect(hot.excluded).toEqual([{ key: 'big', reason: 'over-payload-budget' }]);
  });

  it('counts the budget exactly (a set that fits to the byte is taken)', () => {
    expect(keys(chooseHotSet([c('a', 1, 3000)], { maxPayloadBytes: len(3000) }).chosen)).toEqual(['a']);
    expect(keys(chooseHotSet([c('a', 1, 3000)], { maxPayloadBytes: len(3000) - 1 }).chosen)).toEqual([]);
  });

  it.each<[string, HotSetCandidate, string]>([
    ['over the data: ceiling', c('x', 9, 1_500_001), 'too-large'],
    ['without URLs', c('x', 9, 10, { urls: [] }), 'no-urls'],
    ['of an unusable type', c('x', 9, 10, { type: 'text/css, text/plain' }), 'unsupported-type'],
    ['with a negative size', c('x', 9, -1), 'invalid'],
    ['with a NaN score', c('x', Number.NaN), 'invalid'],
    ['with an empty key', c('', 9), 'invalid'],
  ])('excludes an asset %s', (_label, candidate, reason) => {
    const hot = chooseHotSet([candidate, c('ok', 1)]);
    expect(keys(hot.chosen)).toEqual(['ok']);
    expect(hot.excluded).toEqual([{ key: candidate.key, reason }]);
  });

  it('keeps the best-scored copy of a duplicated key', () => {
    const hot = chooseHotSet([c('a', 1, 10), c('a', 5, 20)]);
    expect(hot.chosen.map((x) => x.size)).toEqual([20]);
    expect(hot.excluded).toEqual([{ key: 'a', reason: 'duplicate-key' }]);
  });

  it('passes extra candidate fields through', () => {
    const hot = chooseHotSet([{ ...c('a', 1), corsAnyOrigin: true }]);
    expect(hot.chosen[0]!.corsAnyOrigin).toBe(true);
  });

  it.each([{ maxRules: -1 }, { maxRules: 1.5 }, { maxPayloadBytes: Number.POSITIVE_INFINITY }])('rejects budget %j', (budget) => {
    expect(() => chooseHotSet([], budget)).toThrow(InvalidServingInputError);
  });
});

describe('createRuleIdAllocator', () => {
  it('hands out the smallest free id, reusing released ones', () => {
    const ids = createRuleIdAllocator([100, 102, 50, 20_000]);
    expect([ids.allocate(), ids.allocate(), ids.allocate()]).toEqual([101, 103, 104]);
    ids.release(102);
    ids.release(100);
    ids.release(100); // twice: once in the free list
    expect([ids.allocate(), ids.allocate(), ids.allocate()]).toEqual([100, 102, 105]);
  });

  it('throws when the range is full', () => {
    const ids = createRuleIdAllocator([], { first: 100, last: 101 });
    ids.allocate();
    ids.allocate();
    expect(() => ids.allocate()).toThrow(RuleIdsExhaustedError);
  });

  it.each([{ first: 0, last: 10 }, { first: 10, last: 9 }, { first: 1.5, last: 9 }])('rejects range %j', (range) => {
    expect(() => createRuleIdAllocator([], range)).toThrow(InvalidServingInputError);
  });
});

describe('diffRuleSets', () => {
  it('keeps ids of kept assets, removes dropped ones and gives new ones the smallest free ids', () => {
    const current = new Map([['a', 100], ['b', 101], ['c', 102]]);
    const diff = diffRuleSets(current, ['c', 'd', 'a', 'e']);
    expect(diff.remove).toEqual([101]);
    // 101 is freed by this very update; DNR removes before it adds, so it is reused at once.
    expect(diff.add).toEqual([{ key: 'd', ruleId: 101 }, { key: 'e', ruleId: 103 }]);
    expect([...diff.next].sort()).toEqual([['a', 100], ['c', 102], ['d', 101], ['e', 103]]);
  });

  it('is empty when nothing changes', () => {
    const current = new Map([['a', 100], ['b', 150]]);
    expect(diffRuleSets(current, ['b', 'a'])).toEqual({ add: [], remove: [], next: current });
  });

  it('re-adds a changed asset under the same id', () => {
    const diff = diffRuleSets(new Map([['a', 100], ['b', 101]]), ['a', 'b'], { changed: new Set(['b']) });
    expect(diff).toEqual({ add: [{ key: 'b', ruleId: 101 }], remove: [101], next: new Map([['a', 100], ['b', 101]]) });
  });

  it('repairs ids outside the range or shared by two keys, never touching fixed ids', () => {
    const current = new Map([['fixed', 5], ['high', 20_000], ['x', 300], ['y', 300], ['z', 100]]);
    const diff = diffRuleSets(current, ['fixed', 'high', 'x', 'y', 'z']);
    expect(diff.remove).toEqual([300, 20_000]);
    expect(diff.add).toEqual([
      { key: 'fixed', ruleId: 101 },
      { key: 'high', ruleId: 102 },
      { key: 'x', ruleId: 103 },
      { key: 'y', ruleId: 104 },
    ]);
    expect(diff.next.get('z')).toBe(100);
  });

  it('uses the asset range by default', () => {
    const diff = diffRuleSets(new Map(), ['a']);
    expect(diff.add).toEqual([{ key: 'a', ruleId: ASSET_RULE_IDS.first }]);
  });
});
