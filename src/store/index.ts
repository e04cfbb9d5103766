/**
 * The PeerCache store: one IndexedDB database (Dexie) and its repositories.
 *
 * The IndexedDB implementation is an option: the extension passes nothing and gets the
 * browser's, tests pass a fresh `fake-indexeddb` factory each.
 */
import { createBindingRepository, type BindingRepository } from './bindings.ts';
import { createBlobRepository, type BlobRepository, type VerifyFn } from './blobs.ts';
import type { OnCorrupt } from './decode.ts';
import { withMaintenance, type MaintenanceOutcome } from './maintenance.ts';
import { createPopularityRepository, type PopularityRepository } from './popularity.ts';
import { PeerCacheDb, type PeerCacheDbOptions } from './schema.ts';
import { createStatsRepository, type StatsRepository } from './stats.ts';

export { createBindingRepository, MAX_BINDINGS, MAX_BINDINGS_PER_SITE, SOURCE_PREFERENCE, STALE_GRACE_MS, type BindingMatch, type BindingRepository, type LookupOptions } from './bindings.ts';
export { createBlobRepository, SITE_SHARE_PER_DAY, type BlobRepository, type PutOutcome, type StoredBlob, type VerifyFn } from './blobs.ts';
export { type OnCorrupt } from './decode.ts';
export { AssetTooLargeError, IntegrityError, InvalidRecordError, QuotaFullError, SiteBudgetError } from './errors.ts';
export { createPopularityRepository, MAX_PEERS_PER_ASSET, type PopularityRepository } from './popularity.ts';
export {
  ALL_SITES,
  PeerCacheDb,
  SCHEMA_HISTORY,
  type Binding,
  type BindingSource,
  type BlobMeta,
  type PopularityRecord,
  type StatCounters,
  type TableName,
} from './schema.ts';
export { type MaintenanceOutcome } from './maintenance.ts';
export { createStatsRepository, MAX_SITES_PER_DAY, OTHER_SITES, SITE_STATS_DAYS, TOTAL_STATS_DAYS, utcDay, type DailyStats, type StatsRepository, type StatsSummary } from './stats.ts';

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** Database name; 'peercache' by default. */
  name?: string;
  /** IndexedDB factory; the global `indexedDB` when omitted. */
  indexedDB?: PeerCacheDbOptions['indexedDB'];
  /** IDBKeyRange matching `indexedDB`; the global when omitted. */
  IDBKeyRange?: PeerCacheDbOptions['IDBKeyRange'];
  verify: VerifyFn;
  /** Clock in milliseconds. */
  now: () => number;
  /** Cache budget in bytes, read at each blob write. */
  maxCacheBytes: () => number;
  /** Told about each undecodable record that was dropped. */
  onCorrupt: OnCorrupt;
}

/** An open store. */
export interface Store {
  db: PeerCacheDb;
  blobs: BlobRepository;
  bindings: BindingRepository;
  popularity: PopularityRepository;
  stats: StatsRepository;
  /**
   * Expires and caps bindings and stats now (maintenance.ts). Writes through `bindings` and
   * `stats` run it by themselves, every few minutes or thousand writes.
   */
  maintain(): Promise<MaintenanceOutcome>;
  /** Closes the database connection. */
  close(): void;
}

/**
 * Opens (creating or upgrading) the database and returns its repositories. Resolves only
 * once open, so a failed upgrade surfaces here rather than at the first read.
 *
 * @example
 * ```ts
 * const store = await openStore({ verify, now: Date.now, maxCacheBytes: () => 512 * 2 ** 20, onCorrupt: console.warn });
 * const hit = await store.blobs.get(mh);
 * ```
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const { name = 'peercache', verify, now, maxCacheBytes, onCorrupt } = options;
  const dbOptions: PeerCacheDbOptions = {};
  if (options.indexedDB) dbOptions.indexedDB = options.indexedDB;
  if (options.IDBKeyRange) dbOptions.IDBKeyRange = options.IDBKeyRange;
  const db = new PeerCacheDb(name, dbOptions);
  await db.open();
  const bounded = withMaintenance({ bindings: createBindingRepository({ db, onCorrupt }), stats: createStatsRepository({ db, now, onCorrupt }) }, now);
  return {
    db,
    blobs: createBlobRepository({ db, verify, now, maxCacheBytes, onCorrupt }),
    bindings: bounded.bindings,
    popularity: createPopularityRepository({ db, now, onCorrupt }),
    stats: bounded.stats,
    maintain: bounded.maintain,
    close: () => db.close(),
  };
}
