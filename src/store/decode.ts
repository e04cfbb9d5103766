/**
 * Decoders: every row read from IndexedDB passes one before use. IndexedDB holds whatever an
 * older build, a bug or a disk fault left there; a row that does not decode is dropped alone
 * (see corrupt-records.ts), so one bad record never takes the whole cache down with it.
 *
 * Decoders return fresh objects holding only the known fields.
 */
import {
  BINDING_SOURCES,
  STAT_COUNTER_NAMES,
  type Binding,
  type BindingSource,
  type BlobBytesRecord,
  type BlobMeta,
  type PopularityRecord,
  type StatCounters,
  type StatsRecord,
  type TableName,
} from './schema.ts';

/** Outcome of decoding one row. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Checks one raw row of a table. */
export type Decoder<T> = (raw: unknown) => Decoded<T>;

/**
 * Warning callback for a record that failed its decoder and was deleted. `key` is the primary
 * key (a string, or `[url, source]` / `[day, site]` for compound keys).
 */
export type OnCorrupt = (table: TableName, key: unknown, reason: string) => void;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Thrown inside a decoder and turned into `{ ok: false }`, so checks read as one line each. */
class Reject {
  readonly reason: string;
  constructor(reason: string) {
    this.reason = reason;
  }
}

function decoder<T>(check: (row: Record<string, unknown>) => T): Decoder<T> {
  return (raw) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'not an object' };
    try {
      return { ok: true, value: check(raw as Record<string, unknown>) };
    } catch (e) {
      if (e instanceof Reject) return { ok: false, reason: e.reason };
      throw e;
    }
  };
}

function str(row: Record<string, unknown>, field: string): string {
  const v = row[field];
  if (typeof v !== 'string' || v === '') throw new Reject(`${field} is not a non-empty string`);
  return v;
}

/** A string that may be empty (an unknown content type is ''). */
function text(row: Record<string, unknown>, field: string): string {
  const v = row[field];
  if (typeof v !== 'string') throw new Reject(`${field} is not a string`);
  return v;
}

function optStr(row: Record<string, unknown>, field: string): string | undefined {
  const v = row[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new Reject(`${field} is not a string`);
  return v;
}

function finite(row: Record<string, unknown>, field: string): number {
  const v = row[field];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Reject(`${field} is not a finite number`);
  return v;
}

function count(row: Record<string, unknown>, field: string): number {
  const v = row[field];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new Reject(`${field} is not a non-negative integer`);
  return v;
}

function bool(row: Record<string, unknown>, field: string): boolean {
  const v = row[field];
  if (typeof v !== 'boolean') throw new Reject(`${field} is not a boolean`);
  return v;
}

/**
 * True for a Uint8Array from any realm (a structured clone made by another context may not
 * share this realm's constructor, so `instanceof` is not enough).
 */
export function isUint8Array(v: unknown): v is Uint8Array {
  return ArrayBuffer.isView(v) && Object.prototype.toString.call(v) === '[object Uint8Array]';
}

/** A Uint8Array over a plain (not shared) ArrayBuffer, as WebCrypto and Blob accept. */
function isPlainUint8Array(v: unknown): v is Uint8Array<ArrayBuffer> {
  return isUint8Array(v) && Object.prototype.toString.call(v.buffer) === '[object ArrayBuffer]';
}

/** Decodes a `blobMeta` row. */
export const decodeBlobMeta: Decoder<BlobMeta> = decoder((row) => ({
  mh: str(row, 'mh'),
  size: count(row, 'size'),
  type: text(row, 'type'),
  createdAt: finite(row, 'createdAt'),
  lastUsedAt: finite(row, 'lastUsedAt'),
  useCount: count(row, 'useCount'),
  // An unreadable site only loses the blob its attribution, not the blob.
  ...(typeof row['site'] === 'string' ? { site: row['site'] } : {}),
}));

/** Decodes a `blobBytes` row. */
export const decodeBlobBytes: Decoder<BlobBytesRecord> = decoder((row) => {
  const bytes = row['bytes'];
  if (!isPlainUint8Array(bytes)) throw new Reject('bytes is not a Uint8Array');
  return { mh: str(row, 'mh'), bytes };
});

/** Decodes a `bindings` row; also used to refuse invalid bindings before they are written. */
export const decodeBinding: Decoder<Binding> = decoder((row) => {
  const source = row['source'];
  if (!BINDING_SOURCES.includes(source as BindingSource)) throw new Reject('source is not observed, list or group');
  const freshUntil = row['freshUntil'];
  // Infinity is allowed: list bindings for versioned CDN URLs may never go stale.
  if (typeof freshUntil !== 'number' || Number.isNaN(freshUntil)) throw new Reject('freshUntil is not a number');
  const site = source === 'observed' ? str(row, 'site') : optStr(row, 'site');
  // The facts the serving decisions read from the URL's own binding (schema version 3).
  const type = source === 'list' ? optStr(row, 'type') : str(row, 'type');
  const corp = row['corp'];
  if (corp !== undefined && corp !== 'same-origin' && corp !== 'same-site') throw new Reject('corp is not same-origin or same-site');
  const holders = row['holders'];
  if (holders !== undefined && (!Number.isSafeInteger(holders) || (holders as number) < 1)) throw new Reject('holders is not a positive integer');
  const sites = row['sites'];
  if (sites !== undefined && !isSiteList(sites)) throw new Reject('sites is not a list of host names');
  const b: Binding = {
    url: str(row, 'url'),
    mh: str(row, 'mh'),
    source: source as BindingSource,
    fetchedAt: finite(row, 'fetchedAt'),
    freshUntil,
    mustRevalidate: bool(row, 'mustRevalidate'),
  };
  const etag = optStr(row, 'etag');
  const lastModified = optStr(row, 'lastModified');
  const corsAnyOrigin = row['corsAnyOrigin'];
  if (corsAnyOrigin !== undefined && typeof corsAnyOrigin !== 'boolean') throw new Reject('corsAnyOrigin is not a boolean');
  if (corsAnyOrigin !== undefined) b.corsAnyOrigin = corsAnyOrigin;
  // Absent optional fields stay absent rather than `undefined`, so rows round-trip exactly.
  if (site !== undefined) b.site = site;
  if (type !== undefined) b.type = type;
  if (corp !== undefined) b.corp = corp;
  if (holders !== undefined) b.holders = holders as number;
  if (sites !== undefined) b.sites = [...(sites as string[])];
  if (etag !== undefined) b.etag = etag;
  if (lastModified !== undefined) b.lastModified = lastModified;
  return b;
});

/** Decodes a `popularity` row. */
export const decodePopularity: Decoder<PopularityRecord> = decoder((row) => {
  const peers = row['peers'];
  if (!Array.isArray(peers) || !peers.every((p) => typeof p === 'string' && p !== '')) {
    throw new Reject('peers is not an array of peer ids');
  }
  const rec: PopularityRecord = { mh: str(row, 'mh'), peers: [...new Set(peers as string[])], onList: bool(row, 'onList'), updatedAt: finite(row, 'updatedAt') };
  const counts = row['counts'];
  if (counts !== undefined) {
    if (typeof counts !== 'object' || counts === null || Array.isArray(counts) || !Object.values(counts).every((n) => Number.isInteger(n) && (n as number) >= 0)) {
      throw new Reject('counts is not a map of non-negative integers');
    }
    rec.counts = { ...(counts as Record<string, number>) };
  }
  return rec;
});

/** Decodes a `stats` row. */
export const decodeStats: Decoder<StatsRecord> = decoder((row) => {
  const day = str(row, 'day');
  if (!DAY.test(day)) throw new Reject('day is not YYYY-MM-DD');
  const counters = {} as StatCounters;
  // Rows written before a counter existed lack it: zero, not corrupt.
  for (const name of STAT_COUNTER_NAMES) counters[name] = name === 'pageCacheBytes' && row[name] === undefined ? 0 : count(row, name);
  return { day, site: str(row, 'site'), ...counters };
});

/** At most 4 lower-case host names: the sites a group binding may be answered to (p2p/bindings). */
export function isSiteList(v: unknown): v is string[] {
  return Array.isArray(v) && v.length <= 4 && v.every((h) => typeof h === 'string' && /^[a-z0-9.-]{1,253}$/.test(h));
}
