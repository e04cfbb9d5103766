/**
 * The Chromium hot set: which cached assets get a `data:` redirect rule, within the rule
 * count and payload budgets (platform-notes.md, "Limits of the Chromium data: path"), and
 * how to move the installed rules to a new hot set with stable rule ids.
 *
 * @example
 * ```ts
 * const now = Date.now();
 * const hot = chooseHotSet(assets.map((a) => ({ ...a, score: usageScore(a, now) })));
 * const diff = diffRuleSets(installed, hot.chosen.map((c) => c.key));
 * // diff.remove and diff.add go into ONE updateSessionRules call; diff.next is the new map.
 * ```
 */
import { dataUrlLength, dataUrlMediaType, fitsDataUrl } from './data-url.ts';
import { InvalidServingInputError, RuleIdsExhaustedError } from './errors.ts';

/** One cached asset that could be in the hot set. */
export interface HotSetCandidate {
  /** The asset's multihash key. */
  key: string;
  /** Payload size in bytes. */
  size: number;
  /** The Content-Type it is served with. */
  type: string;
  /** URLs bound to it, most important first. */
  urls: readonly string[];
  /** Higher is hotter (see {@link usageScore}). */
  score: number;
}

/** Limits of one hot set. */
export interface HotSetBudget {
  /** Redirect rules; each is a regex rule, and Chromium allows 1,000 regex rules. */
  maxRules: number;
  /** Sum of the `data:` URL lengths (the base64 payload plus its prefix). */
  maxPayloadBytes: number;
}

/**
 * 1,000 rules (`MAX_NUMBER_OF_REGEX_RULES`; the gate rules have no regex and do not count)
 * and 32 MiB of `data:` URLs: rule updates cost ~0.3 s per update with 60 MB loaded in
 * session rules, a few ms with a small set (platform-notes.md, measured).
 */
export const DEFAULT_HOT_SET_BUDGET: Readonly<HotSetBudget> = Object.freeze({ maxRules: 1_000, maxPayloadBytes: 32 * 1024 * 1024 });

/** Recency half-life of {@link usageScore}: a use a week ago counts half as much as one now. */
export const DEFAULT_SCORE_HALF_LIFE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Uses, decayed exponentially by the age of the last use: `useCount * 2^(-age / halfLife)`.
 * A clock in the past of `lastUsedAt` counts as age 0. Non-positive or non-finite counts
 * score 0.
 */
export function usageScore(
  usage: { readonly useCount: number; readonly lastUsedAt: number },
  now: number,
  halfLifeMs: number = DEFAULT_SCORE_HALF_LIFE_MS,
): number {
  if (!(usage.useCount > 0) || !Number.isFinite(usage.useCount) || !Number.isFinite(usage.lastUsedAt)) return 0;
  if (!(halfLifeMs > 0)) throw new InvalidServingInputError(`halfLifeMs must be positive, got ${halfLifeMs}`);
  const age = Math.max(0, now - usage.lastUsedAt);
  return usage.useCount * 2 ** (-age / halfLifeMs);
}

/** Why a candidate is not in the hot set. */
export type HotSetExclusion = 'invalid' | 'duplicate-key' | 'no-urls' | 'unsupported-type' | 'too-large' | 'over-rule-budget' | 'over-payload-budget';

/** The chosen assets, hottest first, and why each other one was left out. */
export interface HotSet<T extends HotSetCandidate = HotSetCandidate> {
  chosen: T[];
  /** Sum of the chosen assets' `data:` URL lengths. */
  payloadBytes: number;
  excluded: Array<{ key: string; reason: HotSetExclusion }>;
}

function checkBudget(budget: HotSetBudget): void {
  for (const [name, value] of Object.entries(budget)) {
    if (!Number.isSafeInteger(value) || value < 0) throw new InvalidServingInputError(`${name} must be a non-negative integer, got ${value}`);
  }
}

/**
 * Candidates may carry more fields (say, a CORS flag); they come back unchanged in `chosen`.
 * Greedy by score (ties broken by key, so the same input always gives the same set): take
 * each candidate that still fits; one too big for the remaining payload is skipped and
 * smaller ones after it may still fit. Assets over the `data:` ceiling never qualify.
 *
 * @throws {@link InvalidServingInputError} on a budget that is not a non-negative integer.
 */
export function chooseHotSet<T extends HotSetCandidate>(candidates: Iterable<T>, budget: Partial<HotSetBudget> = {}): HotSet<T> {
  const limits = { ...DEFAULT_HOT_SET_BUDGET, ...budget };
  checkBudget(limits);
  const excluded: HotSet['excluded'] = [];
  const valid: T[] = [];
  for (const c of candidates) {
    if (typeof c.key !== 'string' || c.key === '' || !Number.isSafeInteger(c.size) || c.size < 0 || Number.isNaN(c.score)) {
      excluded.push({ key: String(c.key), reason: 'invalid' });
    } else valid.push(c);
  }
  valid.sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  const chosen: T[] = [];
  const keys = new Set<string>();
  let payloadBytes = 0;
  for (const c of valid) {
    const exclude = (reason: HotSetExclusion): void => void excluded.push({ key: c.key, reason });
    if (keys.has(c.key)) {
      exclude('duplicate-key');
      continue;
    }
    keys.add(c.key);
    const mediaType = dataUrlMediaType(c.type);
    if (c.urls.length === 0) exclude('no-urls');
    else if (mediaType === null) exclude('unsupported-type');
    else if (!fitsDataUrl(c.size, mediaType)) exclude('too-large');
    else if (chosen.length >= limits.maxRules) exclude('over-rule-budget');
    else {
      const length = dataUrlLength(c.size, mediaType);
      if (payloadBytes + length > limits.maxPayloadBytes) exclude('over-payload-budget');
      else {
        chosen.push(c);
        payloadBytes += length;
      }
    }
  }
  return { chosen, payloadBytes, excluded };
}

/** An inclusive range of DNR rule ids. */
export interface RuleIdRange {
  readonly first: number;
  readonly last: number;
}

/** Ids for fixed rules (the gate rules); asset rules never use them. */
export const FIXED_RULE_IDS: RuleIdRange = Object.freeze({ first: 1, last: 99 });
/** Ids for asset redirect rules: room for ten times the regex rule limit. */
export const ASSET_RULE_IDS: RuleIdRange = Object.freeze({ first: 100, last: 9_999 });

/** Hands out rule ids of one range, smallest free first, so freed ids are reused. */
export interface RuleIdAllocator {
  /** @throws {@link RuleIdsExhaustedError} when the range is full. */
  allocate(): number;
  release(id: number): void;
}

/** Creates an allocator for `range` with `inUse` already taken (ids outside the range are ignored). */
export function createRuleIdAllocator(inUse: Iterable<number>, range: RuleIdRange = ASSET_RULE_IDS): RuleIdAllocator {
  if (!Number.isSafeInteger(range.first) || !Number.isSafeInteger(range.last) || range.first < 1 || range.last < range.first) {
    throw new InvalidServingInputError(`Invalid rule id range ${range.first}..${range.last}`);
  }
  const used = new Set<number>();
  for (const id of inUse) if (Number.isInteger(id) && id >= range.first && id <= range.last) used.add(id);
  let fresh = range.first; // every id below `fresh` is used or in `freed`
  const freed: number[] = []; // sorted ascending
  for (const id of [...used].sort((a, b) => a - b)) {
    for (; fresh < id; fresh++) freed.push(fresh);
    fresh = id + 1;
  }
  return {
    allocate() {
      const reused = freed.shift();
      if (reused !== undefined) return reused;
      if (fresh > range.last) throw new RuleIdsExhaustedError(range.first, range.last);
      return fresh++;
    },
    release(id) {
      if (!Number.isInteger(id) || id < range.first || id >= fresh || freed.includes(id)) return;
      let at = 0;
      while (at < freed.length && freed[at]! < id) at++;
      freed.splice(at, 0, id);
    },
  };
}

/** How to get from the installed rules to the next hot set. */
export interface RuleSetDiff {
  /** Rules to add, with their ids, in the order of `next`. */
  add: Array<{ key: string; ruleId: number }>;
  /** Rule ids to remove (DNR removes these before adding, so an id may appear in both). */
  remove: number[];
  /** The installed map once the update succeeds. */
  next: Map<string, number>;
}

/**
 * The removals and additions that turn `current` (asset key -> installed rule id) into
 * `next`. A kept asset keeps its id; a `changed` one (its URL list changed) is re-added
 * under the SAME id; new assets get the smallest free ids, including ids freed by this
 * diff, which is valid because `updateSessionRules` removes `removeRuleIds` before adding
 * `addRules` (chrome.declarativeNetRequest docs). Installed ids outside `range`, or shared
 * by two keys, are removed and their assets re-added; fixed-range ids are never removed.
 */
export function diffRuleSets(
  current: ReadonlyMap<string, number>,
  next: Iterable<string>,
  options: { changed?: ReadonlySet<string>; range?: RuleIdRange } = {},
): RuleSetDiff {
  const range = options.range ?? ASSET_RULE_IDS;
  const wanted = new Set(next);
  const owners = new Map<number, number>();
  for (const id of current.values()) owners.set(id, (owners.get(id) ?? 0) + 1);
  const inRange = (id: number): boolean => Number.isInteger(id) && id >= range.first && id <= range.last;
  const sound = (id: number): boolean => inRange(id) && owners.get(id) === 1;

  const remove = new Set<number>();
  const result = new Map<string, number>();
  const keep: number[] = [];
  for (const [key, id] of current) {
    if (wanted.has(key) && sound(id)) {
      keep.push(id);
      result.set(key, id);
      if (options.changed?.has(key)) remove.add(id);
    } else if (Number.isInteger(id) && id > FIXED_RULE_IDS.last) {
      remove.add(id);
    }
  }
  const allocator = createRuleIdAllocator(keep, range);
  const add: RuleSetDiff['add'] = [];
  for (const key of wanted) {
    const kept = result.get(key);
    if (kept !== undefined) {
      if (options.changed?.has(key)) add.push({ key, ruleId: kept });
      continue;
    }
    const ruleId = allocator.allocate();
    add.push({ key, ruleId });
    result.set(key, ruleId);
  }
  return { add, remove: [...remove].sort((a, b) => a - b), next: result };
}
