/**
 * The stats repository: local counters per UTC day and site, plus a '*' total kept in the same
 * transaction so the total always equals what the sites add up to. Nothing here leaves the
 * machine (architecture.md, "Privacy").
 */
import { Dexie } from 'dexie';
import { decodeCollection, decodeOne, dropCorrupt, type CorruptRow } from './corrupt-records.ts';
import { decodeStats, type OnCorrupt } from './decode.ts';
import { InvalidRecordError } from './errors.ts';
import { ALL_SITES, STAT_COUNTER_NAMES, type PeerCacheDb, type StatCounters, type StatsRecord } from './schema.ts';

const DAY_MS = 86_400_000;

/**
 * Sites with a row of their own per day. Every host a page can make the browser load from (a
 * hundred subdomains in iframes) would be a row; past this, the day's other sites share the row
 * of {@link OTHER_SITES}, so the total stays whole and the table bounded (issue 10, item 2).
 */
export const MAX_SITES_PER_DAY = 200;

/** Site name of the row that counts a day's sites past {@link MAX_SITES_PER_DAY}; no host has parentheses. */
export const OTHER_SITES = '(other sites)';

/** Days a site's rows are kept: the popup's per-site figures cover this many days. */
export const SITE_STATS_DAYS = 90;

/** Days the total's rows are kept (the options page's figures): over a year, to compare. */
export const TOTAL_STATS_DAYS = 400;

/** Totals over a period, overall and per site. */
export interface StatsSummary {
  total: StatCounters;
  /** Keyed by site; sites with no row in the period are absent. */
  perSite: Record<string, StatCounters>;
}

/** One day of the '*' total, for a chart. */
export interface DailyStats extends StatCounters {
  /** 'YYYY-MM-DD', UTC. */
  day: string;
}

/** Local savings statistics. */
export interface StatsRepository {
  /**
   * Adds `delta` to today's counters (UTC day of the clock) of `site` and of the total.
   * @throws {@link InvalidRecordError} when `site` is empty or '*' (reserved for the total), or
   * a delta is not a non-negative integer; nothing written.
   */
  add(site: string, delta: Partial<StatCounters>): Promise<void>;
  /** Totals from `sinceDay` ('YYYY-MM-DD', inclusive) to today; all days when omitted. */
  summary(options?: { sinceDay?: string }): Promise<StatsSummary>;
  /** The last `days` days of the total ending today, oldest first, days without data as zeros. */
  daily(days: number): Promise<DailyStats[]>;
  /**
   * Deletes site rows older than {@link SITE_STATS_DAYS} days and total rows older than
   * {@link TOTAL_STATS_DAYS}; resolves to how many went.
   */
  expire(): Promise<number>;
}

/** Dependencies of {@link createStatsRepository}. */
export interface StatsRepositoryInit {
  db: PeerCacheDb;
  now: () => number;
  onCorrupt: OnCorrupt;
}

/** The UTC day of `ms` as 'YYYY-MM-DD'. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Counters all zero. */
export function zeroCounters(): StatCounters {
  return { servedRequests: 0, bytesSaved: 0, learnBytes: 0, pageCacheBytes: 0, lanBytesIn: 0, lanBytesOut: 0 };
}

function addInto(target: StatCounters, delta: Partial<StatCounters>): void {
  for (const name of STAT_COUNTER_NAMES) target[name] += delta[name] ?? 0;
}

function countersOf(rec: StatsRecord): StatCounters {
  const c = zeroCounters();
  addInto(c, rec);
  return c;
}

/**
 * Creates the stats repository over `db`.
 *
 * @example
 * ```ts
 * const stats = createStatsRepository({ db, now: Date.now, onCorrupt });
 * await stats.add('example.com', { servedRequests: 1, bytesSaved: 87_000 });
 * const week = await stats.daily(7);
 * ```
 */
export function createStatsRepository(init: StatsRepositoryInit): StatsRepository {
  const { db, now, onCorrupt } = init;

  const readRange = async (fromDay: string, toDay: string): Promise<StatsRecord[]> => {
    const range = db.stats.where(':id').between([fromDay, Dexie.minKey], [toDay, Dexie.maxKey], true, true);
    const { good, bad } = await decodeCollection(range, decodeStats);
    await dropCorrupt(db, 'stats', bad, decodeStats, onCorrupt);
    return good;
  };

  return {
    async add(site, delta) {
      if (typeof site !== 'string' || site === '' || site === ALL_SITES) {
        throw new InvalidRecordError('stats', `site ${JSON.stringify(site)} is not a site name`);
      }
      for (const name of STAT_COUNTER_NAMES) {
        const v = delta[name];
        if (v !== undefined && !(Number.isSafeInteger(v) && v >= 0)) {
          throw new InvalidRecordError('stats', `${name} delta ${v} is not a non-negative integer`);
        }
      }
      const day = utcDay(now());
      const bad: CorruptRow[] = [];
      await db.transaction('rw', db.stats, async () => {
        // A site new today beyond the day's cap is counted with the other sites.
        const ownRow = (await db.stats.get([day, site])) !== undefined;
        const sitesToday = ownRow ? 0 : await db.stats.where(':id').between([day, Dexie.minKey], [day, Dexie.maxKey]).count();
        // The day's rows are its sites, the total and maybe OTHER_SITES: the cap counts sites.
        const rowSite = ownRow || sitesToday < MAX_SITES_PER_DAY + 1 ? site : OTHER_SITES;
        for (const s of [rowSite, ALL_SITES]) {
          const key: [string, string] = [day, s];
          // An undecodable row restarts from zero: overwriting it drops it, and only it.
          const current = decodeOne(await db.stats.get(key), key, decodeStats, bad) ?? { day, site: s, ...zeroCounters() };
          addInto(current, delta);
          await db.stats.put(current);
        }
      });
      for (const row of bad) onCorrupt('stats', row.key, row.reason);
    },

    async summary(options = {}) {
      const rows = await readRange(options.sinceDay ?? '', '9999-12-31');
      const total = zeroCounters();
      const perSite: Record<string, StatCounters> = {};
      for (const r of rows) {
        if (r.site === ALL_SITES) addInto(total, r);
        else addInto((perSite[r.site] ??= zeroCounters()), r);
      }
      return { total, perSite };
    },

    async daily(days) {
      if (!Number.isInteger(days) || days < 1) throw new RangeError(`days must be a positive integer, got ${days}`);
      const today = now();
      const dayList = Array.from({ length: days }, (_, i) => utcDay(today - (days - 1 - i) * DAY_MS));
      const rows = await readRange(dayList[0] ?? utcDay(today), utcDay(today));
      const totals = new Map(rows.filter((r) => r.site === ALL_SITES).map((r) => [r.day, countersOf(r)]));
      return dayList.map((day) => ({ day, ...(totals.get(day) ?? zeroCounters()) }));
    },

    expire() {
      const siteCutoff = utcDay(now() - SITE_STATS_DAYS * DAY_MS);
      const totalCutoff = utcDay(now() - TOTAL_STATS_DAYS * DAY_MS);
      // 'YYYY-MM-DD' strings sort as the days do.
      return db.stats
        .where(':id')
        .below([siteCutoff, Dexie.minKey])
        .filter((row) => row.site !== ALL_SITES || row.day < totalCutoff)
        .delete();
    },
  };
}
