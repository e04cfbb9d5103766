/**
 * The PeerCache IndexedDB schema (Dexie 4) and its version history.
 *
 * The history is data so that a schema change is one appended entry, and so that tests can
 * build a database at any past version and upgrade it with the current class.
 */
import { Dexie, type DexieOptions, type Table, type Transaction } from 'dexie';
import type { RestrictiveCorp } from '../core/serving/network-refusal.ts';

/** Where a URL -> hash binding came from (architecture.md, "Trust"). */
export type BindingSource = 'observed' | 'list' | 'group';

/** All binding sources, in the order {@link BindingSource} documents them. */
export const BINDING_SOURCES: readonly BindingSource[] = ['observed', 'list', 'group'];

/** Metadata of one stored blob; kept apart from the bytes so listing and eviction stay cheap. */
export interface BlobMeta {
  /** Multihash key: base64url (no padding) of the multihash bytes. */
  mh: string;
  /** Byte length of the stored bytes. */
  size: number;
  /** Content type the origin served it with. */
  type: string;
  createdAt: number;
  /** Last put or successful get, in clock milliseconds; the LRU order. */
  lastUsedAt: number;
  /** Successful gets since the blob was stored. */
  useCount: number;
  /**
   * Host of the page whose load stored it first; absent for bytes from LAN peers or stored
   * before this was kept. Counts against that site's admission share (blobs.ts). Not indexed,
   * so adding it needed no schema version.
   */
  site?: string;
}

/** The bytes of one blob. */
export interface BlobBytesRecord {
  mh: string;
  /** Always backed by a plain ArrayBuffer: IndexedDB cannot store shared memory. */
  bytes: Uint8Array<ArrayBuffer>;
}

/**
 * A URL -> multihash binding; one per (url, source). With the hash it keeps what the origin sent
 * with THIS URL's response (for 'group': what the member who observed it reports), because who
 * may be answered it, and as what, is decided by the URL's own binding, never by another URL
 * that serves the same bytes (issue 9, item 3).
 */
export interface Binding {
  url: string;
  mh: string;
  source: BindingSource;
  /** Registrable site whose page observed the response; required when source is 'observed'. */
  site?: string;
  /** When the response (or list entry, or peer claim) was obtained, clock milliseconds. */
  fetchedAt: number;
  /** End of freshness, clock milliseconds; `Infinity` for bindings that never go stale. */
  freshUntil: number;
  /** Revalidate before every use, even while within `freshUntil`. */
  mustRevalidate: boolean;
  /** Validators for a conditional revalidation request. */
  etag?: string;
  lastModified?: string;
  /**
   * The response carried `Access-Control-Allow-Origin: *`, so a CORS-mode request from any
   * site would have succeeded: serving it a response that bypasses CORS changes nothing.
   * Not indexed, so adding it needed no schema version.
   */
  corsAnyOrigin?: boolean;
  /** Content-Type the origin sent for this URL; required for 'observed' and 'group' (version 3). */
  type?: string;
  /** Its `Cross-Origin-Resource-Policy`, when restrictive (version 3). */
  corp?: RestrictiveCorp;
  /** 'group' only: distinct group members holding this very binding, per the LAN node (version 3). */
  holders?: number;
  /** 'group' only: hosts of the pages members loaded this URL on (same-site answers, privacy-gate.ts). */
  sites?: string[];
}

/** What the LAN says about one asset: the population-level popularity gate's input. */
export interface PopularityRecord {
  mh: string;
  /** Distinct peer ids that advertised holding the asset. */
  peers: string[];
  /** On the public hash list shipped with the extension. */
  onList: boolean;
  /**
   * Holder counts LAN nodes reported, by LAN node peer id (the group's bindings book). Not
   * indexed, so adding it needed no schema version.
   */
  counts?: Record<string, number>;
  updatedAt: number;
}

/** The counters kept per day and site. */
export interface StatCounters {
  /** Requests answered from the cache instead of the network. */
  servedRequests: number;
  /** Bytes not downloaded from the WAN thanks to the cache. */
  bytesSaved: number;
  /** Extra bytes spent learning (e.g. a second fetch to observe a response). */
  learnBytes: number;
  /** Bytes learned from the page's own HTTP cache (Chromium): no download, so no cost. */
  pageCacheBytes: number;
  lanBytesIn: number;
  lanBytesOut: number;
}

/** Names of the counters, for loops that must cover every one of them. */
export const STAT_COUNTER_NAMES: readonly (keyof StatCounters)[] = [
  'servedRequests',
  'bytesSaved',
  'learnBytes',
  'pageCacheBytes',
  'lanBytesIn',
  'lanBytesOut',
];

/** One stats row: counters for a UTC day and a site, or '*' for the total of all sites. */
export interface StatsRecord extends StatCounters {
  /** 'YYYY-MM-DD', UTC. */
  day: string;
  site: string;
}

/** The site value under which the total of all sites is kept. */
export const ALL_SITES = '*';

/** Names of the object stores. */
export type TableName = 'blobMeta' | 'blobBytes' | 'bindings' | 'popularity' | 'stats';

/** One step of the schema history. */
export interface SchemaVersion {
  version: number;
  /**
   * Dexie store specs changed by this version (Dexie semantics: a table not named here keeps
   * its earlier definition; `null` deletes a table). Only indexed fields appear in a spec.
   */
  stores: Readonly<Record<string, string | null>>;
  /** Migrates rows written by earlier versions; runs inside the upgrade transaction. */
  upgrade?: (tx: Transaction) => Promise<unknown>;
}

/** Every schema version ever shipped, oldest first. Append; never edit a shipped entry. */
export const SCHEMA_HISTORY: readonly SchemaVersion[] = [
  {
    version: 1,
    stores: {
      blobMeta: 'mh, lastUsedAt',
      blobBytes: 'mh',
      bindings: '[url+source], url, mh, freshUntil',
      popularity: 'mh',
    },
  },
  {
    version: 2,
    // Adds per-day stats and blobMeta.useCount (not indexed, so no spec change for blobMeta).
    stores: { stats: '[day+site]' },
    upgrade: (tx) =>
      tx
        .table('blobMeta')
        .toCollection()
        .modify((row: Record<string, unknown>) => {
          row['useCount'] = 0;
        }),
  },
  {
    version: 3,
    // Bindings record what the origin sent for their own URL (type, CORP; group: holders).
    // Observed and group bindings written before lack those facts, and a binding that cannot be
    // judged must not be served: they go. An observed one is learned again when next seen, a
    // group one comes back with the group's next round; the blobs stay.
    stores: {},
    upgrade: (tx) =>
      tx
        .table('bindings')
        .filter((row: Record<string, unknown>) => row['source'] !== 'list' && typeof row['type'] !== 'string')
        .delete(),
  },
  {
    version: 4,
    // Bindings are capped (bindings.ts): the oldest go first, a site's own oldest when that site
    // is over its share, so both orders get an index. Rows without a site (list, group) are in
    // the site index not at all, which is what the per-site cap wants (issue 10, item 2).
    stores: { bindings: '[url+source], url, mh, freshUntil, fetchedAt, [site+fetchedAt]' },
  },
];

/** Declares `history` on `db`; exported so tests can build a database at a past version. */
export function applySchemaHistory(db: Dexie, history: readonly SchemaVersion[]): void {
  for (const step of history) {
    const v = db.version(step.version).stores({ ...step.stores });
    if (step.upgrade) v.upgrade(step.upgrade);
  }
}

/** Options for {@link PeerCacheDb}: the IndexedDB implementation to use, among others. */
export type PeerCacheDbOptions = Pick<DexieOptions, 'indexedDB' | 'IDBKeyRange' | 'autoOpen'>;

/**
 * The PeerCache database at the current schema version.
 *
 * @example
 * ```ts
 * import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
 * const db = new PeerCacheDb('peercache-test', { indexedDB: new IDBFactory(), IDBKeyRange });
 * await db.open();
 * ```
 */
export class PeerCacheDb extends Dexie {
  // `declare`: Dexie creates these properties; a class field initialiser would overwrite them.
  declare blobMeta: Table<BlobMeta, string>;
  declare blobBytes: Table<BlobBytesRecord, string>;
  declare bindings: Table<Binding, [string, BindingSource]>;
  declare popularity: Table<PopularityRecord, string>;
  declare stats: Table<StatsRecord, [string, string]>;

  constructor(name = 'peercache', options: PeerCacheDbOptions = {}) {
    super(name, options);
    applySchemaHistory(this, SCHEMA_HISTORY);
  }
}
