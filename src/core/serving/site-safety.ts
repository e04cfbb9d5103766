/**
 * Which sites may receive `data:` subresources, per destination, learned from the CSP of
 * the documents this browser has seen. Feeds the Chromium gate rules (architecture.md,
 * "Serving engines"): a site is listed only while every document observed from it allowed
 * `data:`; one blocking document takes it off the list for a quarantine period. In a group, what
 * colleagues' documents showed (group-site-safety.ts) stands in for a destination of a host this
 * browser never observed, so its first view of a site colleagues have seen can be served.
 *
 * Pure: the clock comes in, the state goes out as plain JSON for the background to store.
 *
 * @example
 * ```ts
 * const safety = createSiteSafety({ now: Date.now, snapshot: stored });
 * safety.observe(new URL(documentUrl).hostname, evaluateDocumentCsp(headers).dataAllowed);
 * const hosts = safety.gateHosts(['script']); // -> hosts.safe, hosts.unsafeSubdomains
 * await storage.set({ siteSafety: safety.toJSON() });
 * ```
 */
import { CSP_DESTINATIONS, type CspDestination } from './csp.ts';
import { InvalidServingInputError, InvalidSiteSafetySnapshotError } from './errors.ts';

/** Per destination, whether one observed document allowed `data:`. */
export type DestinationVerdicts = Readonly<Record<CspDestination, boolean>>;

/** How long one blocking document keeps a host off the list. */
export const DEFAULT_QUARANTINE_MS = 30 * 24 * 60 * 60 * 1000;
/** Most hosts remembered; the least recently observed are forgotten first. */
export const DEFAULT_MAX_HOSTS = 5_000;

/** What is remembered of one host (times in ms since the epoch, from the injected clock). */
export interface HostSafetyRecord {
  /** Last observation of any document of this host (the LRU order). */
  seenAt: number;
  /** Per destination, the last document that allowed `data:`. */
  allowedAt: Partial<Record<CspDestination, number>>;
  /** Per destination, the last document that blocked `data:`. */
  blockedAt: Partial<Record<CspDestination, number>>;
}

/** The serialised state: hosts from least to most recently observed. */
export interface SiteSafetySnapshot {
  version: 1;
  hosts: Array<[host: string, record: HostSafetyRecord]>;
}

/**
 * Hosts for one gate rule. DNR domain conditions match a domain AND its subdomains
 * (chrome.declarativeNetRequest RuleCondition `initiatorDomains`), so listing a safe host
 * also covers its subdomains: observed subdomains that are NOT safe are returned apart,
 * for a rule that re-allows them.
 */
export interface GateHosts {
  /** Safe hosts, sorted. */
  readonly safe: readonly string[];
  /** Observed hosts that are not safe but sit under a safe host, sorted. */
  readonly unsafeSubdomains: readonly string[];
}

/** Dependencies and limits of {@link createSiteSafety}. */
export interface SiteSafetyInit {
  now: () => number;
  quarantineMs?: number;
  maxHosts?: number;
  /** A state from {@link SiteSafety.toJSON}, possibly decoded by {@link decodeSiteSafetySnapshot}. */
  snapshot?: SiteSafetySnapshot;
  /**
   * What the group vouches for (group-site-safety.ts, already held to `minLanPeers`): per host, the
   * destinations safe by the group. Read only for a destination of a host this browser has never
   * observed itself: its own documents always decide (a strict policy seen here wins at once).
   */
  group?: () => ReadonlyMap<string, ReadonlySet<CspDestination>>;
}

/** The state machine. */
export interface SiteSafety {
  /** Records one document of `host`; false (and nothing recorded) if `host` is not a DNS name or IPv4 address. */
  observe(host: string, verdicts: DestinationVerdicts): boolean;
  /** Whether `host` (exactly) is safe for every destination in `destinations`. */
  isSafe(host: string, destinations: readonly CspDestination[]): boolean;
  /** Hosts safe for EVERY destination in `destinations`, for one gate rule. */
  gateHosts(destinations: readonly CspDestination[]): GateHosts;
  /** This browser's own record of each host (what it may tell the group). */
  records(): Iterable<readonly [string, HostSafetyRecord]>;
  /** The earliest future time at which a host can become safe without a new observation, so the caller can schedule a gate update. */
  nextChangeAt(): number | null;
  forget(host: string): void;
  readonly size: number;
  toJSON(): SiteSafetySnapshot;
}

// What `URL#hostname` gives for a DNS name (punycode, lowercase) or an IPv4 address. DNR
// domain lists take exactly these (lowercase ASCII); IPv6 literals are left out.
const HOST = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/;

/** Lowercase, no trailing dot, or null when not a host DNR domain lists can name. */
export function normalizeHost(host: string): string | null {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h.length <= 253 && HOST.test(h) ? h : null;
}

function positive(value: number | undefined, fallback: number, what: string): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0) throw new InvalidServingInputError(`${what} must be a positive number, got ${v}`);
  return v;
}

/** Creates the state machine, optionally from a stored snapshot. */
export function createSiteSafety(init: SiteSafetyInit): SiteSafety {
  const { now } = init;
  const quarantineMs = positive(init.quarantineMs, DEFAULT_QUARANTINE_MS, 'quarantineMs');
  const maxHosts = Math.floor(positive(init.maxHosts, DEFAULT_MAX_HOSTS, 'maxHosts'));
  // Map iteration order is insertion order: delete + set moves a host to the young end.
  const hosts = new Map<string, HostSafetyRecord>(init.snapshot?.hosts.map(([h, r]) => [h, cloneRecord(r)]));
  const evict = (): void => {
    for (const host of hosts.keys()) {
      if (hosts.size <= maxHosts) break;
      hosts.delete(host);
    }
  };
  evict();

  const group = init.group ?? ((): ReadonlyMap<string, ReadonlySet<CspDestination>> => new Map());
  const safeFor = (host: string, record: HostSafetyRecord | undefined, destination: CspDestination, t: number): boolean => {
    const allowed = record?.allowedAt[destination];
    const blocked = record?.blockedAt[destination];
    // Never observed here for this destination: the group's verdict, if any.
    if (allowed === undefined && blocked === undefined) return group().get(host)?.has(destination) === true;
    if (allowed === undefined) return false; // never seen a document that allows it
    if (blocked === undefined) return true;
    // Safe again only once the quarantine is over AND a later document allowed it. A clock
    // that went backwards keeps it in quarantine (t < blocked).
    return allowed > blocked && t >= blocked + quarantineMs;
  };
  const safeForAll = (host: string, record: HostSafetyRecord | undefined, destinations: readonly CspDestination[], t: number): boolean =>
    destinations.length > 0 && destinations.every((d) => safeFor(host, record, d, t));

  return {
    observe(host, verdicts) {
      const h = normalizeHost(host);
      if (h === null) return false;
      const t = now();
      const record = hosts.get(h) ?? { seenAt: t, allowedAt: {}, blockedAt: {} };
      for (const d of CSP_DESTINATIONS) {
        if (verdicts[d]) record.allowedAt[d] = t;
        else record.blockedAt[d] = t;
      }
      record.seenAt = t;
      hosts.delete(h);
      hosts.set(h, record);
      evict();
      return true;
    },
    isSafe(host, destinations) {
      const h = normalizeHost(host);
      return h !== null && safeForAll(h, hosts.get(h), destinations, now());
    },
    gateHosts(destinations) {
      const t = now();
      const safe = new Set<string>();
      const known = new Set([...hosts.keys(), ...group().keys()]);
      for (const h of known) if (safeForAll(h, hosts.get(h), destinations, t)) safe.add(h);
      const unsafeSubdomains: string[] = [];
      for (const h of known) {
        if (safe.has(h)) continue;
        for (let dot = h.indexOf('.'); dot !== -1; dot = h.indexOf('.', dot + 1)) {
          if (safe.has(h.slice(dot + 1))) {
            unsafeSubdomains.push(h);
            break;
          }
        }
      }
      return { safe: [...safe].sort(), unsafeSubdomains: unsafeSubdomains.sort() };
    },
    nextChangeAt() {
      const t = now();
      let next: number | null = null;
      for (const record of hosts.values()) {
        for (const d of CSP_DESTINATIONS) {
          const allowed = record.allowedAt[d];
          const blocked = record.blockedAt[d];
          if (allowed === undefined || blocked === undefined || allowed <= blocked) continue;
          const at = blocked + quarantineMs;
          if (at > t && (next === null || at < next)) next = at;
        }
      }
      return next;
    },
    records: () => hosts.entries(),
    forget(host) {
      const h = normalizeHost(host);
      if (h !== null) hosts.delete(h);
    },
    get size() {
      return hosts.size;
    },
    toJSON() {
      return { version: 1, hosts: [...hosts].map(([h, r]) => [h, cloneRecord(r)]) };
    },
  };
}

function cloneRecord(record: HostSafetyRecord): HostSafetyRecord {
  return { seenAt: record.seenAt, allowedAt: { ...record.allowedAt }, blockedAt: { ...record.blockedAt } };
}

const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function decodeTimes(value: unknown): Partial<Record<CspDestination, number>> | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const out: Partial<Record<CspDestination, number>> = {};
  for (const d of CSP_DESTINATIONS) {
    const t = (value as Record<string, unknown>)[d];
    if (t === undefined) continue;
    if (!isTime(t)) return null;
    out[d] = t;
  }
  return out;
}

/**
 * Checks a stored value before {@link createSiteSafety} trusts it. A malformed host entry
 * is dropped alone (the host just becomes unknown, hence unsafe: the cautious default);
 * a value that is not a version-1 snapshot at all throws.
 *
 * @throws {@link InvalidSiteSafetySnapshotError}
 */
export function decodeSiteSafetySnapshot(value: unknown): SiteSafetySnapshot {
  const v = value as { version?: unknown; hosts?: unknown } | null;
  if (typeof v !== 'object' || v === null || v.version !== 1 || !Array.isArray(v.hosts)) {
    throw new InvalidSiteSafetySnapshotError('Not a version 1 site-safety snapshot');
  }
  const hosts: SiteSafetySnapshot['hosts'] = [];
  const seen = new Set<string>();
  for (const entry of v.hosts as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string') continue;
    const host = normalizeHost(entry[0]);
    const raw = entry[1] as { seenAt?: unknown; allowedAt?: unknown; blockedAt?: unknown } | null;
    if (host === null || seen.has(host) || typeof raw !== 'object' || raw === null || !isTime(raw.seenAt)) continue;
    const allowedAt = decodeTimes(raw.allowedAt);
    const blockedAt = decodeTimes(raw.blockedAt);
    if (allowedAt === null || blockedAt === null) continue;
    seen.add(host);
    hosts.push([host, { seenAt: raw.seenAt, allowedAt, blockedAt }]);
  }
  return { version: 1, hosts };
}
