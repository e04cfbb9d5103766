/**
 * The group's book of URL -> hash bindings, kept by the LAN node when it has a group key
 * (architecture.md, "Trust", source 3). Members report what they observed; the node tells
 * every member the best-supported hash per URL and how many distinct members hold that binding,
 * without saying who. Persisted in the data directory (atomic writes), bounded in entries and
 * members per entry, expired by the freshness the observers' origins gave. Who counts toward
 * holders is braked against minted ids (group-members.ts): members old enough, one per address.
 */
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidBinding, MAX_BINDINGS, MAX_HOLDERS, MAX_SITES, type GroupBinding } from '../p2p/bindings/index.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { createGroupMembers } from './group-members.ts';

/**
 * The daemon's defaults of the brake on minted ids (group-members.ts; `--member-age-minutes`,
 * `--holders-per-address`), which config.ts always sets. A node started in code without them
 * (tests, benches: members seconds old, all on 127.0.0.1) has no brake.
 */
export const DEFAULT_MEMBER_AGE_MINUTES = 10;
export const DEFAULT_HOLDERS_PER_ADDRESS = 1;

/** Most (url, hash) entries the book keeps. */
export const MAX_BOOK_ENTRIES = 50_000;
/** Most sites one entry keeps (a record names at most MAX_SITES of them). */
const MAX_ENTRY_SITES = 8;
/** Most other LAN nodes whose counts one entry keeps. */
const MAX_PEER_NODES = 16;
const FILE = 'group-bindings.json';

interface Entry {
  freshUntil: number;
  type: string;
  corsAnyOrigin: boolean;
  reporters: Set<string>;
  /** What other LAN nodes of the group count for this binding (node id -> holders). */
  counted: Map<string, number>;
  /** Hosts of the pages members loaded the URL on (at most {@link MAX_ENTRY_SITES}). */
  sites: Set<string>;
  reportedAt: number;
}

interface Saved {
  url: string;
  mh: string;
  freshUntil: number;
  type: string;
  corsAnyOrigin: boolean;
  reporters: string[];
  counted?: Record<string, number>;
  sites?: string[];
  reportedAt: number;
}

export interface GroupBindingsBook {
  /**
   * Records what `member` reported from `address` (its IP, undefined when unknown). Its report
   * counts toward holders once the member is old enough (group-members.ts).
   */
  report(member: string, bindings: readonly GroupBinding[], address?: string): void;
  /** `member` is connected from `address`: its membership age runs from the first time. */
  seen(member: string, address: string | undefined): void;
  /**
   * Records what another LAN node of the group tells of its book (`node` its id): its holder
   * counts, kept per node. Returns the URLs whose best binding changed here.
   */
  merge(node: string, bindings: readonly GroupBinding[]): string[];
  /**
   * The best binding per URL, most recently reported first, with group-wide holder counts.
   * `toNode`: the answer goes to that LAN node, and its own part is left out (split horizon).
   */
  list(toNode?: string): GroupBinding[];
  /** The best binding of `url`, if the book has one (what {@link list} says of it). */
  best(url: string, toNode?: string): GroupBinding | undefined;
  /** Entries held (for the status page). */
  size(): number;
  /** Writes the book if it changed since the last save. */
  save(): Promise<void>;
}

/** Opens the book in `dataDir`; an unreadable file is set aside (`.corrupt`) and the book starts empty. */
export async function openGroupBindings(init: {
  dataDir: string;
  now: () => number;
  log: (line: string) => void;
  /** How long an id must have been a member before its reports count (default 0: at once). */
  memberAgeMinutes?: number;
  /** Most ids of one IP address counted per binding (default: no limit). */
  holdersPerAddress?: number;
}): Promise<GroupBindingsBook> {
  const { now, log } = init;
  const path = join(init.dataDir, FILE);
  const book = new Map<string, Map<string, Entry>>();
  let entries = 0;
  let dirty = false;
  const brake = { minAgeMs: (init.memberAgeMinutes ?? 0) * 60_000, perAddress: init.holdersPerAddress ?? MAX_HOLDERS };
  let members = createGroupMembers(brake);

  /**
   * Members holding a binding: the node's own reporters that count (group-members.ts), or what
   * another LAN node counts if that is more. Never a sum: a member connected to two nodes
   * (failover) reports to both. Told to another node, what that node itself brought is left
   * out: its own count (merged from it) or its report (an untrusted node counts as one member).
   * Told back, either would come home as a count the node then keeps: one too high, or never
   * falling when its members go (split horizon).
   */
  const holdersOf = (e: Entry, toNode?: string): number => {
    const reporters = toNode !== undefined && e.reporters.has(toNode) ? [...e.reporters].filter((r) => r !== toNode) : e.reporters;
    const counted = [...e.counted].filter(([node]) => node !== toNode).map(([, n]) => n);
    return Math.min(MAX_HOLDERS, Math.max(members.count(reporters, now()), ...counted));
  };

  try {
    const saved = JSON.parse(await readFile(path, 'utf8')) as { entries: Saved[]; members?: unknown };
    // Members keep their age across restarts of the node: a restart must not mute the group.
    members = createGroupMembers({ ...brake, saved: saved.members });
    for (const s of saved.entries) {
      if (invalidBinding({ ...s, holders: 1, sites: undefined }) !== undefined || !Array.isArray(s.reporters) || !Number.isFinite(s.reportedAt)) continue;
      const counted = Object.entries(s.counted ?? {}).filter(([, n]) => Number.isInteger(n) && n >= 1 && n <= MAX_HOLDERS).slice(0, MAX_PEER_NODES);
      // A book written before the brake names no members: its reporters are members since their report.
      if (saved.members === undefined) for (const r of s.reporters) if (typeof r === 'string') members.seen(r, undefined, s.reportedAt);
      put(s.url, s.mh, { freshUntil: s.freshUntil, type: s.type, corsAnyOrigin: s.corsAnyOrigin, reporters: new Set(s.reporters.filter((r) => typeof r === 'string').slice(0, MAX_HOLDERS)), counted: new Map(counted), sites: new Set((Array.isArray(s.sites) ? s.sites : []).filter((h) => typeof h === 'string').slice(0, MAX_ENTRY_SITES)), reportedAt: s.reportedAt });
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      log(`group bindings: ${path} unreadable (${(e as Error).message}); set aside, starting empty`);
      await rename(path, `${path}.corrupt`).catch(() => undefined);
    }
  }

  function put(url: string, mh: string, entry: Entry): void {
    let byHash = book.get(url);
    if (!byHash) book.set(url, (byHash = new Map()));
    if (!byHash.has(mh)) entries++;
    byHash.set(mh, entry);
  }

  /**
   * Entries only members of `member`'s address reported count against that address: at most
   * {@link MAX_BINDINGS}, its oldest reports going first. So one machine (a noisy or hostile one,
   * whatever ids it makes) cannot fill the book and keep everyone else's claims out, and a
   * long-lived member's newest observations still get in.
   */
  function evictOldestSoloEntries(member: string): void {
    const address = members.addressOf(member);
    const solo: [string, string, number][] = [];
    for (const [url, byHash] of book) {
      for (const [mh, e] of byHash) if (e.counted.size === 0 && [...e.reporters].every((r) => members.addressOf(r) === address)) solo.push([url, mh, e.reportedAt]);
    }
    if (solo.length <= MAX_BINDINGS) return;
    solo.sort((a, b) => a[2] - b[2]);
    for (const [url, mh] of solo.slice(0, solo.length - MAX_BINDINGS)) {
      const byHash = book.get(url)!;
      byHash.delete(mh);
      entries--;
      if (byHash.size === 0) book.delete(url);
    }
  }

  /**
   * Members disagreeing about a URL (the file changed, or one member lies): the hash most members
   * reported wins, then the latest report. Holders are of this very binding: members who hold the
   * same bytes under other URLs do not make this URL popular (a site's own copy of a popular file
   * is still that site's file).
   */
  function bestOf(url: string, byHash: Map<string, Entry>, toNode?: string): (GroupBinding & { reportedAt: number; by: string }) | undefined {
    const ranked = [...byHash].map(([mh, e]) => ({ mh, e, holders: holdersOf(e, toNode) })).filter((r) => r.holders > 0);
    // Only ids too new to count reported it (or ids of an address counted already): not told yet.
    if (ranked.length === 0) return undefined;
    const { mh, e, holders } = ranked.sort((a, b) => b.holders - a.holders || b.e.reportedAt - a.e.reportedAt)[0]!;
    const by = e.reporters.size === 1 && holders === 1 ? [...e.reporters][0]! : '';
    const sites = [...e.sites].slice(-MAX_SITES);
    return { url, mh, freshUntil: e.freshUntil, holders, type: e.type, corsAnyOrigin: e.corsAnyOrigin, ...(sites.length ? { sites } : {}), reportedAt: e.reportedAt, by };
  }

  /** The newest sites stay: one that loaded the URL again moves to the end. */
  function addSites(e: Entry, sites: readonly string[] | undefined): void {
    for (const h of sites ?? []) {
      e.sites.delete(h);
      e.sites.add(h);
      if (e.sites.size > MAX_ENTRY_SITES) e.sites.delete(e.sites.values().next().value!);
    }
  }

  function prune(): void {
    const t = now();
    for (const [url, byHash] of book) {
      for (const [mh, e] of byHash) if (e.freshUntil <= t) { byHash.delete(mh); entries--; dirty = true; }
      if (byHash.size === 0) book.delete(url);
    }
  }

  return {
    seen(member, address) {
      if (members.seen(member, address, now())) dirty = true;
    },

    report(member, bindings, address) {
      prune();
      const t = now();
      if (members.seen(member, address, t)) dirty = true;
      for (const b of bindings.slice(0, MAX_BINDINGS)) {
        const e = book.get(b.url)?.get(b.mh);
        if (e) {
          if (!e.reporters.has(member) && e.reporters.size < MAX_HOLDERS) e.reporters.add(member);
          addSites(e, b.sites);
          e.freshUntil = Math.max(e.freshUntil, b.freshUntil);
          e.reportedAt = t;
        } else {
          // Full: what is already in the book stays; new claims wait until entries expire.
          if (entries >= MAX_BOOK_ENTRIES) continue;
          put(b.url, b.mh, { freshUntil: b.freshUntil, type: b.type, corsAnyOrigin: b.corsAnyOrigin, reporters: new Set([member]), counted: new Map(), sites: new Set(b.sites ?? []), reportedAt: t });
        }
        dirty = true;
      }
      evictOldestSoloEntries(member);
    },

    merge(node, bindings) {
      prune();
      const t = now();
      const changed: string[] = [];
      for (const b of bindings.slice(0, MAX_BINDINGS)) {
        const before = book.get(b.url);
        const was = before && bestOf(b.url, before);
        const e = before?.get(b.mh);
        if (e) {
          if (e.counted.get(node) === b.holders && e.freshUntil >= b.freshUntil && (b.sites ?? []).every((h) => e.sites.has(h))) continue;
          if (e.counted.has(node) || e.counted.size < MAX_PEER_NODES) e.counted.set(node, b.holders);
          addSites(e, b.sites);
          e.freshUntil = Math.max(e.freshUntil, b.freshUntil);
        } else {
          if (entries >= MAX_BOOK_ENTRIES) continue;
          put(b.url, b.mh, { freshUntil: b.freshUntil, type: b.type, corsAnyOrigin: b.corsAnyOrigin, reporters: new Set(), counted: new Map([[node, b.holders]]), sites: new Set(b.sites ?? []), reportedAt: t });
        }
        dirty = true;
        const after = bestOf(b.url, book.get(b.url)!);
        if (!after) continue;
        if (!was || was.mh !== after.mh || was.holders !== after.holders || String(was.sites) !== String(after.sites)) changed.push(b.url);
      }
      return changed;
    },

    list(toNode) {
      prune();
      type Ranked = GroupBinding & { reportedAt: number; by: string };
      const best: Ranked[] = [];
      for (const [url, byHash] of book) {
        const b = bestOf(url, byHash, toNode);
        if (b) best.push(b);
      }
      // An answer holds at most MAX_BINDINGS: first what several members reported (newest
      // first), then one member's claims at a time in turn, so no member crowds out the rest.
      const recent = (a: Ranked, b: Ranked): number => b.reportedAt - a.reportedAt;
      const answer = best.filter((b) => b.by === '').sort(recent);
      const solo = new Map<string, Ranked[]>();
      for (const b of best.filter((x) => x.by !== '').sort(recent)) {
        const q = solo.get(b.by);
        if (q) q.push(b);
        else solo.set(b.by, [b]);
      }
      const queues = [...solo.values()];
      for (let i = 0; answer.length < MAX_BINDINGS && queues.some((q) => i < q.length); i++) {
        for (const q of queues) if (i < q.length && answer.length < MAX_BINDINGS) answer.push(q[i]!);
      }
      return answer.slice(0, MAX_BINDINGS).map(({ reportedAt: _, by: __, ...b }) => b);
    },

    best(url, toNode) {
      const byHash = book.get(url);
      const found = byHash && bestOf(url, byHash, toNode);
      if (!found) return undefined;
      const { reportedAt: _, by: __, ...b } = found;
      return b.freshUntil > now() ? b : undefined;
    },

    size: () => entries,

    async save() {
      if (!dirty) return;
      dirty = false;
      const out: Saved[] = [];
      for (const [url, byHash] of book) {
        for (const [mh, e] of byHash) {
          out.push({ url, mh, freshUntil: e.freshUntil, type: e.type, corsAnyOrigin: e.corsAnyOrigin, reporters: [...e.reporters], ...(e.counted.size ? { counted: Object.fromEntries(e.counted) } : {}), ...(e.sites.size ? { sites: [...e.sites] } : {}), reportedAt: e.reportedAt });
        }
      }
      await writeFileAtomic(path, new TextEncoder().encode(JSON.stringify({ entries: out, members: members.toJSON() })), { mode: 0o600 });
    },
  };
}
