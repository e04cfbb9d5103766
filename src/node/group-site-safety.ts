/**
 * The group's book of site-safety facts (core/serving/group-site-safety.ts), kept by the LAN node
 * when it has a group key: what each member's documents allowed or blocked, per host. Who counts
 * is braked exactly like bindings' holders (group-members.ts: an id counts once it has been a
 * member for `memberAgeMinutes`, at most `holdersPerAddress` ids per IP address); any member's
 * recent block vetoes, counted or not (a veto can only cost bytes, never break a page).
 * Persisted in the data directory (atomic writes), bounded per member and in all.
 */
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { checkFact, MAX_FACTS_PER_MEMBER, MAX_GROUP_HOSTS, tallyGroupSafety, type GroupSafeHost, type SiteSafetyFact } from '../core/serving/group-site-safety.ts';
import { MAX_HOLDERS } from '../p2p/bindings/index.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { createGroupMembers } from './group-members.ts';

/** Most facts in the book, all members together. */
export const MAX_BOOK_FACTS = 100_000;
const FILE = 'group-site-safety.json';

export interface GroupSiteSafetyBook {
  /** `member` is connected from `address`: its membership age runs from the first time. */
  seen(member: string, address: string | undefined): void;
  /**
   * Records what `member` told from `address`; `full`: everything it has (what it told before
   * and left out now is dropped). Returns the hosts it named.
   */
  report(member: string, facts: readonly SiteSafetyFact[], full: boolean, address?: string): string[];
  /** The group's verdicts: of `hosts` only when given (each, with `allowed: {}` when none is left). */
  verdicts(hosts?: Iterable<string>): GroupSafeHost[];
  /** Facts held (for tests and the status page). */
  size(): number;
  save(): Promise<void>;
}

export async function openGroupSiteSafety(init: {
  dataDir: string;
  now: () => number;
  log: (line: string) => void;
  memberAgeMinutes?: number;
  holdersPerAddress?: number;
}): Promise<GroupSiteSafetyBook> {
  const { now, log } = init;
  const path = join(init.dataDir, FILE);
  const brake = { minAgeMs: (init.memberAgeMinutes ?? 0) * 60_000, perAddress: init.holdersPerAddress ?? MAX_HOLDERS };
  let members = createGroupMembers(brake);
  /** Member -> host -> fact, each member's most recently told host last; members by last report. */
  const facts = new Map<string, Map<string, SiteSafetyFact>>();
  let total = 0;
  let dirty = false;

  function setFacts(member: string, m: Map<string, SiteSafetyFact>): void {
    total += m.size - (facts.get(member)?.size ?? 0);
    facts.delete(member);
    if (m.size > 0) facts.set(member, m);
  }

  /** Over the total: whole members go, those that do not count yet first, then the least recently reporting. */
  function evict(): void {
    if (total <= MAX_BOOK_FACTS) return;
    const t = now();
    const order = [...facts.keys()].sort((a, b) => members.count([a], t) - members.count([b], t));
    for (const m of order) {
      if (total <= MAX_BOOK_FACTS) break;
      setFacts(m, new Map());
    }
  }

  try {
    const saved = JSON.parse(await readFile(path, 'utf8')) as { members?: unknown; facts?: unknown };
    members = createGroupMembers({ ...brake, saved: saved.members });
    for (const entry of Array.isArray(saved.facts) ? (saved.facts as unknown[]) : []) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Array.isArray(entry[1])) continue;
      const m = new Map<string, SiteSafetyFact>();
      for (const f of (entry[1] as unknown[]).slice(-MAX_FACTS_PER_MEMBER)) {
        const c = checkFact(f);
        if (c) m.set(c.host, c);
      }
      setFacts(entry[0], m);
    }
    evict();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      log(`group site safety: ${path} unreadable (${(e as Error).message}); set aside, starting empty`);
      await rename(path, `${path}.corrupt`).catch(() => undefined);
    }
  }

  const tally = (only?: Set<string>): GroupSafeHost[] => {
    const t = now();
    const reports = [...facts].map(([member, m]): [string, Map<string, SiteSafetyFact>] => [member, only ? new Map([...only].flatMap((h) => (m.has(h) ? [[h, m.get(h)!]] : []))) : m]);
    return tallyGroupSafety(reports, (ids) => members.count(ids, t), t);
  };

  return {
    seen(member, address) {
      if (members.seen(member, address, now())) dirty = true;
    },
    report(member, told, full, address) {
      members.seen(member, address, now());
      const m = full ? new Map<string, SiteSafetyFact>() : new Map(facts.get(member));
      const named = new Set<string>(full ? (facts.get(member)?.keys() ?? []) : []);
      for (const f of told.slice(-MAX_FACTS_PER_MEMBER)) {
        m.delete(f.host);
        m.set(f.host, f);
        named.add(f.host);
      }
      // One member's facts are bounded: its least recently told hosts go.
      for (const host of m.keys()) {
        if (m.size <= MAX_FACTS_PER_MEMBER) break;
        m.delete(host);
      }
      setFacts(member, m);
      evict();
      dirty = true;
      return [...named];
    },
    verdicts(hosts) {
      if (hosts === undefined) return tally().slice(0, MAX_GROUP_HOSTS);
      const only = new Set(hosts);
      const found = new Map(tally(only).map((v) => [v.host, v]));
      return [...only].map((host) => found.get(host) ?? { host, allowed: {} });
    },
    size: () => total,
    async save() {
      if (!dirty) return;
      dirty = false;
      const out = { members: members.toJSON(), facts: [...facts].map(([member, m]) => [member, [...m.values()]]) };
      await writeFileAtomic(path, new TextEncoder().encode(JSON.stringify(out)), { mode: 0o600 });
    },
  };
}
