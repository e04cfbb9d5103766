/**
 * Site-safety facts shared within a group (issue 12: a site's CSP not yet seen by this browser).
 * Chromium serves a held file as a `data:` URL only on hosts known to admit `data:`
 * (site-safety.ts), and on a browser's FIRST view of a site nothing is known yet. Members tell
 * their LAN node what the documents they saw allowed or blocked; the node counts, per host and
 * destination, the distinct members (braked like bindings' holders: node/group-members.ts) that
 * reported `data:` allowed, and lists a destination only while NO member reported it blocked
 * within {@link GROUP_BLOCK_VETO_MS}. A browser takes a destination as safe when that count
 * reaches its `minLanPeers`, and only where it has no observation of its own (site-safety.ts).
 *
 * Why a count and a veto: a lying member could list a strict-CSP site as `data:`-safe and break
 * its resources on colleagues' first views. It then needs `minLanPeers` counted identities (aged,
 * one per address), and any honest member that saw the site's strict policy vetoes it.
 *
 * Pure: no I/O; the member brake comes in as a counting function.
 */
import { CSP_DESTINATIONS, type CspDestination } from './csp.ts';
import { DEFAULT_QUARANTINE_MS, normalizeHost, type HostSafetyRecord } from './site-safety.ts';

/** A blocking report this recent vetoes the group's verdict (the local quarantine's length). */
export const GROUP_BLOCK_VETO_MS = DEFAULT_QUARANTINE_MS;
/** Most hosts one member's report carries, and one member's facts the node keeps. */
export const MAX_FACTS_PER_MEMBER = 2_000;
/** Most hosts in the node's answer to a member. */
export const MAX_GROUP_HOSTS = 5_000;

/** What one member tells of one host: per destination, when a document last allowed or blocked `data:`. */
export interface SiteSafetyFact {
  readonly host: string;
  readonly allowed: Partial<Record<CspDestination, number>>;
  readonly blocked: Partial<Record<CspDestination, number>>;
}

/** What the node tells members of one host: per destination, the members that vouch for `data:`. */
export interface GroupSafeHost {
  readonly host: string;
  /** Destination -> distinct counted members that reported `data:` allowed (only destinations no member vetoed). */
  readonly allowed: Partial<Record<CspDestination, number>>;
}

const isTime = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function times(v: unknown): Partial<Record<CspDestination, number>> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const out: Partial<Record<CspDestination, number>> = {};
  for (const [k, t] of Object.entries(v)) {
    if (!(CSP_DESTINATIONS as readonly string[]).includes(k) || !isTime(t)) return undefined;
    out[k as CspDestination] = t;
  }
  return out;
}

/** A fact as it may travel, or undefined (a host DNR cannot name, unknown destinations, bad times). */
export function checkFact(v: unknown): SiteSafetyFact | undefined {
  const r = v as Partial<Record<keyof SiteSafetyFact, unknown>> | null;
  if (typeof r !== 'object' || r === null || typeof r.host !== 'string') return undefined;
  const host = normalizeHost(r.host);
  const allowed = times(r.allowed);
  const blocked = times(r.blocked);
  if (host === null || host !== r.host || !allowed || !blocked) return undefined;
  return { host, allowed, blocked };
}

/** A group verdict as it may travel, or undefined. */
export function checkGroupHost(v: unknown): GroupSafeHost | undefined {
  const r = v as Partial<Record<keyof GroupSafeHost, unknown>> | null;
  if (typeof r !== 'object' || r === null || typeof r.host !== 'string' || normalizeHost(r.host) !== r.host) return undefined;
  const allowed = times(r.allowed);
  if (!allowed || Object.values(allowed).some((n) => n < 1 || n > 1_000)) return undefined;
  return { host: r.host, allowed };
}

/** This browser's own record of a host, as the fact it tells the group. */
export function factOf(host: string, record: HostSafetyRecord): SiteSafetyFact {
  return { host, allowed: { ...record.allowedAt }, blocked: { ...record.blockedAt } };
}

/**
 * The node's verdicts: for each host some member reported, the destinations no member reported
 * blocked since `now - vetoMs`, with how many members `count` counts among those whose latest
 * document allowed `data:` there (a member's allow older than its own block does not count).
 * Hosts with no destination left are left out.
 */
export function tallyGroupSafety(
  reports: Iterable<readonly [member: string, facts: ReadonlyMap<string, SiteSafetyFact>]>,
  count: (members: readonly string[]) => number,
  now: number,
  vetoMs: number = GROUP_BLOCK_VETO_MS,
): GroupSafeHost[] {
  const byHost = new Map<string, { vetoed: Set<CspDestination>; vouch: Map<CspDestination, string[]> }>();
  for (const [member, facts] of reports) {
    for (const f of facts.values()) {
      let h = byHost.get(f.host);
      if (!h) byHost.set(f.host, (h = { vetoed: new Set(), vouch: new Map() }));
      for (const d of CSP_DESTINATIONS) {
        const blocked = f.blocked[d];
        const allowed = f.allowed[d];
        // A block from a clock ahead of ours vetoes too (blocked > now): caution wins.
        if (blocked !== undefined && blocked >= now - vetoMs) h.vetoed.add(d);
        if (allowed !== undefined && (blocked === undefined || allowed > blocked)) h.vouch.set(d, [...(h.vouch.get(d) ?? []), member]);
      }
    }
  }
  const out: GroupSafeHost[] = [];
  for (const [host, h] of byHost) {
    const allowed: Partial<Record<CspDestination, number>> = {};
    for (const [d, members] of h.vouch) {
      if (h.vetoed.has(d)) continue;
      const n = count(members);
      if (n > 0) allowed[d] = n;
    }
    if (Object.keys(allowed).length > 0) out.push({ host, allowed });
  }
  return out;
}

/** Per host, the destinations the group vouches for with at least `minMembers` members. */
export function groupSafeDestinations(hosts: readonly GroupSafeHost[], minMembers: number): Map<string, Set<CspDestination>> {
  const out = new Map<string, Set<CspDestination>>();
  for (const h of hosts) {
    const ds = CSP_DESTINATIONS.filter((d) => (h.allowed[d] ?? 0) >= minMembers);
    if (ds.length > 0) out.set(h.host, new Set(ds));
  }
  return out;
}
