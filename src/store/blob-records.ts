/**
 * A blob is a pair of rows (blobMeta + blobBytes, same key). These helpers judge a pair as a
 * whole and drop a broken pair as a whole: metadata without bytes, or bytes without metadata,
 * is as useless as an undecodable row, and would skew the size accounting of eviction.
 */
import type { IndexableType } from 'dexie';
import { decodeBlobBytes, decodeBlobMeta, type OnCorrupt } from './decode.ts';
import type { BlobMeta, PeerCacheDb } from './schema.ts';

/** What is wrong with a blob, reported against the row at fault. */
export interface BlobFinding {
  key: IndexableType;
  table: 'blobMeta' | 'blobBytes';
  reason: string;
}

/** A blob's two rows, judged together. */
export type BlobPair =
  | { kind: 'absent' }
  | { kind: 'whole'; meta: BlobMeta; bytes: Uint8Array<ArrayBuffer> }
  | { kind: 'corrupt'; table: 'blobMeta' | 'blobBytes'; reason: string };

/** Judges the raw meta and bytes rows stored under one key. */
export function checkPair(metaRaw: unknown, bytesRaw: unknown): BlobPair {
  if (metaRaw === undefined && bytesRaw === undefined) return { kind: 'absent' };
  if (metaRaw === undefined) return { kind: 'corrupt', table: 'blobBytes', reason: 'bytes without metadata' };
  const meta = decodeBlobMeta(metaRaw);
  if (!meta.ok) return { kind: 'corrupt', table: 'blobMeta', reason: meta.reason };
  if (bytesRaw === undefined) return { kind: 'corrupt', table: 'blobMeta', reason: 'metadata without bytes' };
  const bytes = decodeBlobBytes(bytesRaw);
  if (!bytes.ok) return { kind: 'corrupt', table: 'blobBytes', reason: bytes.reason };
  if (bytes.value.bytes.byteLength !== meta.value.size) {
    return { kind: 'corrupt', table: 'blobBytes', reason: `holds ${bytes.value.bytes.byteLength} bytes, metadata says ${meta.value.size}` };
  }
  return { kind: 'whole', meta: meta.value, bytes: bytes.value.bytes };
}

/** Reads both rows of one blob; call inside a transaction spanning both tables. */
export async function readPair(db: PeerCacheDb, key: IndexableType): Promise<[unknown, unknown]> {
  const meta: unknown = await db.blobMeta.get(key as string);
  const bytes: unknown = await db.blobBytes.get(key as string);
  return [meta, bytes];
}

/** Every decodable blobMeta row plus the findings on broken pairs, without loading any bytes. */
export interface BlobScan {
  metas: BlobMeta[];
  findings: BlobFinding[];
}

/**
 * Scans all blob metadata and the keys of all bytes rows; call inside a transaction spanning
 * both tables. Bytes contents are not checked here (that would load the whole cache); `get`
 * checks them.
 */
export async function scanBlobs(db: PeerCacheDb): Promise<BlobScan> {
  const metas: BlobMeta[] = [];
  const findings: BlobFinding[] = [];
  const bytesKeys = new Set<IndexableType>(await db.blobBytes.toCollection().primaryKeys());
  const metaKeys = new Set<IndexableType>();
  await db.blobMeta.toCollection().each((raw, cursor) => {
    const key = cursor.primaryKey as IndexableType;
    metaKeys.add(key);
    const d = decodeBlobMeta(raw);
    if (!d.ok) findings.push({ key, table: 'blobMeta', reason: d.reason });
    else if (!bytesKeys.has(key)) findings.push({ key, table: 'blobMeta', reason: 'metadata without bytes' });
    else metas.push(d.value);
  });
  for (const key of bytesKeys) {
    if (!metaKeys.has(key)) findings.push({ key, table: 'blobBytes', reason: 'bytes without metadata' });
  }
  return { metas, findings };
}

/** Deletes both rows of each key; call inside a read-write transaction spanning both tables. */
export async function deletePairs(db: PeerCacheDb, keys: readonly IndexableType[]): Promise<void> {
  if (keys.length === 0) return;
  await db.blobMeta.bulkDelete(keys as string[]);
  await db.blobBytes.bulkDelete(keys as string[]);
}

/**
 * Drops one blob found broken by a read, if `stillBroken` holds for its rows when re-read in
 * a read-write transaction (a concurrent put may have repaired it meanwhile), then reports it.
 * Never throws: the caller already has its answer (a miss), and the next read retries.
 */
export async function dropBrokenBlob(
  db: PeerCacheDb,
  finding: BlobFinding,
  stillBroken: (metaRaw: unknown, bytesRaw: unknown) => boolean,
  onCorrupt: OnCorrupt,
): Promise<void> {
  let dropped = false;
  try {
    await db.transaction('rw', db.blobMeta, db.blobBytes, async () => {
      const [meta, bytes] = await readPair(db, finding.key);
      if (!stillBroken(meta, bytes)) return;
      await deletePairs(db, [finding.key]);
      dropped = true;
    });
  } catch {
    return;
  }
  if (dropped) onCorrupt(finding.table, finding.key, finding.reason);
}

/** LRU order: least recently used first; the key breaks ties so eviction is deterministic. */
export function lruOrder(a: BlobMeta, b: BlobMeta): number {
  return a.lastUsedAt - b.lastUsedAt || (a.mh < b.mh ? -1 : a.mh > b.mh ? 1 : 0);
}

/**
 * Deletes least recently used blobs other than `keep`, in a transaction of its own that commits
 * before the caller writes again (a browser need not count space freed by deletes before they
 * commit, so evicting inside the refused write's own transaction might not help it), until
 * `target` bytes are freed or no other blob is left. Deletes nothing, and returns [], when all
 * other blobs together hold less than `needed`: evicting them could not make the room a write
 * of `needed` bytes takes, so they are kept.
 */
export async function evictForSpace(db: PeerCacheDb, keep: string, needed: number, target: number): Promise<string[]> {
  return db.transaction('rw', db.blobMeta, db.blobBytes, async () => {
    const others = (await scanBlobs(db)).metas.filter((m) => m.mh !== keep).sort(lruOrder);
    if (others.reduce((sum, m) => sum + m.size, 0) < needed) return [];
    const evicted: string[] = [];
    let freed = 0;
    for (const m of others) {
      if (freed >= target) break;
      evicted.push(m.mh);
      freed += m.size;
    }
    await deletePairs(db, evicted);
    return evicted;
  });
}
