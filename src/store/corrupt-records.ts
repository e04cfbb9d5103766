/**
 * Reading through decoders and dropping what fails, one record at a time.
 *
 * Reads run in read-only transactions (so they do not queue behind each other); a record
 * found undecodable is deleted afterwards in its own read-write transaction, and only if it is
 * still undecodable then: a writer may have replaced it with a good row in between.
 */
import type { Collection, IndexableType, Table } from 'dexie';
import type { Decoder, OnCorrupt } from './decode.ts';
import type { PeerCacheDb, TableName } from './schema.ts';

/** A row that failed its decoder. */
export interface CorruptRow {
  key: IndexableType;
  reason: string;
}

/** Decoded rows of a read, and the keys of those that failed. */
export interface DecodedRows<T> {
  good: T[];
  bad: CorruptRow[];
}

/** Iterates `collection`, decoding every row; call inside or outside a transaction. */
export async function decodeCollection<T>(
  collection: Collection<unknown, IndexableType>,
  decode: Decoder<T>,
): Promise<DecodedRows<T>> {
  const good: T[] = [];
  const bad: CorruptRow[] = [];
  await collection.each((raw, cursor) => {
    const d = decode(raw);
    if (d.ok) good.push(d.value);
    else bad.push({ key: cursor.primaryKey, reason: d.reason });
  });
  return { good, bad };
}

/** Decodes one row fetched by key; `undefined` when absent. */
export function decodeOne<T>(
  raw: unknown,
  key: IndexableType,
  decode: Decoder<T>,
  bad: CorruptRow[],
): T | undefined {
  if (raw === undefined) return undefined;
  const d = decode(raw);
  if (d.ok) return d.value;
  bad.push({ key, reason: d.reason });
  return undefined;
}

/**
 * Deletes the rows of `bad` that still fail `decode`, then reports each deleted one.
 * Never throws: the read that found them has its answer already, and a row that could not be
 * deleted now is found and retried by the next read.
 */
export async function dropCorrupt(
  db: PeerCacheDb,
  tableName: Exclude<TableName, 'blobMeta' | 'blobBytes'>,
  bad: readonly CorruptRow[],
  decode: Decoder<unknown>,
  onCorrupt: OnCorrupt,
): Promise<void> {
  if (bad.length === 0) return;
  const table = db.table(tableName) as Table<unknown, IndexableType>;
  const dropped: CorruptRow[] = [];
  try {
    await db.transaction('rw', table, async () => {
      for (const row of bad) {
        const raw = await table.get(row.key);
        if (raw === undefined || decode(raw).ok) continue;
        await table.delete(row.key);
        dropped.push(row);
      }
    });
  } catch {
    return;
  }
  for (const row of dropped) onCorrupt(tableName, row.key, row.reason);
}
