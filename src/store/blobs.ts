/**
 * The blob repository: verified bytes by multihash key, with a byte budget kept by LRU
 * eviction.
 *
 * Invariants:
 * - A blob becomes visible only whole and verified: verification runs before the write, and
 *   metadata and bytes are written in one transaction, so no reader sees one without the other.
 * - After a put commits, the stored total is within the budget read at the start of that put.
 * - Bytes are verified again on every get; a blob that no longer matches its key is removed.
 */
import {
  checkPair,
  deletePairs,
  dropBrokenBlob,
  evictForSpace,
  lruOrder,
  readPair,
  scanBlobs,
  type BlobFinding,
} from './blob-records.ts';
import { decodeBlobMeta, isUint8Array, type OnCorrupt } from './decode.ts';
import { AssetTooLargeError, IntegrityError, InvalidRecordError, QuotaFullError, SiteBudgetError, isQuotaExceeded } from './errors.ts';
import type { BlobMeta, PeerCacheDb } from './schema.ts';

/**
 * Checks that `bytes` hash to the multihash encoded by `multihashKey`. Resolves false on a
 * mismatch; rejects when the key cannot be parsed or names an unsupported hash. The bytes are
 * ArrayBuffer-backed so they can go straight to `crypto.subtle.digest`; a function taking any
 * `Uint8Array` fits this type too.
 */
export type VerifyFn = (bytes: Uint8Array<ArrayBuffer>, multihashKey: string) => Promise<boolean>;

/** Dependencies of {@link createBlobRepository}. */
export interface BlobRepositoryInit {
  db: PeerCacheDb;
  verify: VerifyFn;
  /** Clock in milliseconds; orders LRU eviction. */
  now: () => number;
  /** Cache budget in bytes, read at each put so a settings change applies at the next write. */
  maxCacheBytes: () => number;
  onCorrupt: OnCorrupt;
}

/**
 * The share of the cache budget one site's pages may add in new blobs per 24 hours. A page can
 * load any number of unique cacheable files (junk made for the purpose); each would evict the
 * least recently used file of some other site. With this, one site evicts at most a tenth of the
 * cache a day, and files other sites use stay recent and so are evicted last (issue 10, item 2).
 * Bytes already stored, and those a LAN peer sent (no site), are not counted.
 */
export const SITE_SHARE_PER_DAY = 0.1;
const DAY_MS = 86_400_000;

/**
 * Evict-and-retry rounds of a put the browser refuses for lack of space (issue 10, item 7:
 * "IndexedDB quota full: evict and continue"). Bounded, so a browser that refuses every write
 * whatever is freed (a disk other programs fill) costs at most three times the new blob's
 * size in evicted blobs, the least recently used, not the whole cache.
 */
export const QUOTA_RETRIES = 2;

/** A blob as returned by {@link BlobRepository.get}. */
export interface StoredBlob {
  bytes: Uint8Array<ArrayBuffer>;
  /** Content type it was stored with. */
  type: string;
  size: number;
}

/** Outcome of a successful {@link BlobRepository.put}. */
export interface PutOutcome {
  /** Keys evicted to make room, least recently used first. */
  evicted: string[];
}

/** Verified, budgeted storage of asset bytes by multihash key. */
export interface BlobRepository {
  /**
   * Verifies and stores `bytes` under `mh`, evicting least recently used blobs (never this
   * one) until the total fits the budget. Storing an existing key again refreshes its bytes and
   * its LRU position and keeps its use count.
   *
   * @throws {@link AssetTooLargeError} when `bytes` alone exceed the budget; nothing written.
   * @throws {@link IntegrityError} when `bytes` do not match `mh`; nothing written.
   * When the browser refuses the write for lack of space (its quota, or the disk, is below the
   * budget), least recently used blobs are evicted, as the budget would evict them, and the
   * write is tried again: {@link QUOTA_RETRIES} times, freeing the new blob's size, then twice
   * that. Those evicted are listed in `evicted` first.
   * @throws {@link QuotaFullError} when the browser still refuses, or when all other blobs
   * together are smaller than this one (none is then evicted for it); the blob is not stored,
   * every other blob not evicted above is intact, and the store keeps working.
   * @throws {@link SiteBudgetError} when `site` has added its {@link SITE_SHARE_PER_DAY} of the
   * budget in the last 24 hours and `mh` is not stored yet; nothing changed.
   */
  put(mh: string, bytes: Uint8Array, type: string, options?: { site?: string }): Promise<PutOutcome>;
  /**
   * Verified bytes of `mh`, or undefined; a hit counts as a use for LRU and `useCount`
   * unless `touch` is false (the serving engine preparing rules is not a use).
   */
  get(mh: string, options?: { touch?: boolean }): Promise<StoredBlob | undefined>;
  /**
   * Counts `uses` uses of `mh` for LRU and `useCount`, as that many hits of `get` would: for
   * bytes a serving engine answered from memory. Nothing happens when `mh` is not stored.
   */
  touch(mh: string, uses?: number): Promise<void>;
  /**
   * Bytes `site` may still add in new blobs now ({@link SITE_SHARE_PER_DAY}), 0 when none: for a
   * caller about to download something only to store it.
   */
  siteShareLeft(site: string): Promise<number>;
  /** Whether a whole blob is stored under `mh` (bytes are verified only by `get`). */
  has(mh: string): Promise<boolean>;
  delete(mh: string): Promise<void>;
  /** Sum of the sizes of all stored blobs. */
  totalBytes(): Promise<number>;
  /** Metadata only, most recently used first. */
  list(options?: { limit?: number }): Promise<BlobMeta[]>;
  clear(): Promise<void>;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Creates the blob repository over `db`.
 *
 * @example
 * ```ts
 * const blobs = createBlobRepository({ db, verify, now: Date.now, maxCacheBytes: () => 512 * 2 ** 20, onCorrupt });
 * await blobs.put(mh, bytes, 'text/javascript');
 * const hit = await blobs.get(mh); // { bytes, type, size } or undefined
 * ```
 */
export function createBlobRepository(init: BlobRepositoryInit): BlobRepository {
  const { db, verify, now, maxCacheBytes, onCorrupt } = init;
  const report = (findings: readonly BlobFinding[]): void => {
    for (const f of findings) onCorrupt(f.table, f.key, f.reason);
  };
  const dropIfStillBroken = (finding: BlobFinding): Promise<void> =>
    dropBrokenBlob(db, finding, (m, b) => checkPair(m, b).kind === 'corrupt', onCorrupt);

  const touch = async (mh: string, uses = 1): Promise<void> => {
    try {
      const t = now();
      await db.blobMeta
        .where(':id')
        .equals(mh)
        .modify((m) => {
          m.lastUsedAt = t;
          m.useCount += uses;
        });
    } catch (err) {
      // LRU bookkeeping must not turn a verified hit into a failure on a full disk.
      if (!isQuotaExceeded(err)) throw err;
    }
  };

  return {
    async put(mh, bytes, type, options = {}) {
      if (typeof mh !== 'string' || mh === '') throw new InvalidRecordError('blobMeta', 'mh is not a non-empty string');
      if (!isUint8Array(bytes)) throw new InvalidRecordError('blobBytes', 'bytes is not a Uint8Array');
      if (typeof type !== 'string') throw new InvalidRecordError('blobMeta', 'type is not a string');
      const budget = maxCacheBytes();
      if (!(budget >= 0)) throw new RangeError(`maxCacheBytes() returned ${budget}`);
      // Checked before hashing: it is cheaper, and such an asset could never be stored anyway.
      if (bytes.byteLength > budget) throw new AssetTooLargeError(mh, bytes.byteLength, budget);
      // Our own copy: the caller could change its buffer between verification and the write,
      // and a subarray view would be cloned with its whole underlying ArrayBuffer.
      const own = bytes.slice();
      if (!(await verify(own, mh))) throw new IntegrityError(mh);

      const t = now();
      let outcome: PutOutcome = { evicted: [] };
      let findings: BlobFinding[] = [];
      // One transaction: eviction, metadata and bytes commit together or not at all, so an
      // abort (quota, crash) leaves the cache exactly as it was.
      const write = (): Promise<void> =>
        db.transaction('rw', db.blobMeta, db.blobBytes, async () => {
          const scan = await scanBlobs(db);
          await deletePairs(db, scan.findings.map((f) => f.key));
          const existing = scan.metas.find((m) => m.mh === mh);
          const site = options.site;
          if (!existing && site !== undefined) {
            // The metadata is loaded anyway: what this site added in the last 24 hours is read from it.
            const added = scan.metas.reduce((sum, m) => (m.site === site && m.createdAt > t - DAY_MS ? sum + m.size : sum), 0);
            const allowed = Math.floor(budget * SITE_SHARE_PER_DAY);
            if (added + own.byteLength > allowed) throw new SiteBudgetError(site, added, allowed);
          }
          const others = scan.metas.filter((m) => m.mh !== mh).sort(lruOrder);
          let total = others.reduce((sum, m) => sum + m.size, 0) + own.byteLength;
          const evicted: string[] = [];
          for (const m of others) {
            if (total <= budget) break;
            evicted.push(m.mh);
            total -= m.size;
          }
          await deletePairs(db, evicted);
          await db.blobMeta.put({
            mh,
            size: own.byteLength,
            type,
            createdAt: existing?.createdAt ?? t,
            lastUsedAt: t,
            useCount: existing?.useCount ?? 0,
            // The first site to store it keeps it counted; bytes stored again cost nobody.
            ...(existing ? (existing.site === undefined ? {} : { site: existing.site }) : site === undefined ? {} : { site }),
          });
          await db.blobBytes.put({ mh, bytes: own });
          outcome = { evicted };
          findings = scan.findings;
        });
      const forSpace: string[] = [];
      for (let round = 0; ; round++) {
        try {
          await write();
          break;
        } catch (err) {
          if (!isQuotaExceeded(err)) throw err;
          // Evicted in a committed transaction of its own: see evictForSpace.
          // An eviction that fails too leaves the refusal standing: nothing more is deleted.
          const freed = round < QUOTA_RETRIES ? await evictForSpace(db, mh, own.byteLength, own.byteLength * 2 ** round).catch(() => []) : [];
          if (freed.length === 0) throw new QuotaFullError(err);
          forSpace.push(...freed);
        }
      }
      report(findings);
      return { evicted: [...forSpace, ...outcome.evicted] };
    },

    async get(mh, options) {
      const [metaRaw, bytesRaw] = await db.transaction('r', db.blobMeta, db.blobBytes, () => readPair(db, mh));
      const pair = checkPair(metaRaw, bytesRaw);
      if (pair.kind === 'absent') return undefined;
      if (pair.kind === 'corrupt') {
        await dropIfStillBroken({ key: mh, table: pair.table, reason: pair.reason });
        return undefined;
      }
      if (!(await verify(pair.bytes, mh))) {
        // Drop only the bytes we hashed: a put may have stored good bytes in the meantime.
        await dropBrokenBlob(
          db,
          { key: mh, table: 'blobBytes', reason: 'bytes do not match their multihash' },
          (m, b) => {
            const p = checkPair(m, b);
            return p.kind === 'corrupt' || (p.kind === 'whole' && sameBytes(p.bytes, pair.bytes));
          },
          onCorrupt,
        );
        return undefined;
      }
      if (options?.touch !== false) await touch(mh, 1);
      return { bytes: pair.bytes, type: pair.meta.type, size: pair.meta.size };
    },

    touch,

    async siteShareLeft(site) {
      const since = now() - DAY_MS;
      let added = 0;
      // Metadata only; an undecodable row is left to the readers that drop it.
      await db.blobMeta.each((raw) => {
        const d = decodeBlobMeta(raw);
        if (d.ok && d.value.site === site && d.value.createdAt > since) added += d.value.size;
      });
      return Math.max(0, Math.floor(maxCacheBytes() * SITE_SHARE_PER_DAY) - added);
    },

    async has(mh) {
      const [metaRaw, bytesCount] = await db.transaction('r', db.blobMeta, db.blobBytes, async () => [
        await db.blobMeta.get(mh),
        await db.blobBytes.where(':id').equals(mh).count(),
      ] as const);
      if (metaRaw === undefined && bytesCount === 0) return false;
      const meta = metaRaw === undefined ? undefined : decodeBlobMeta(metaRaw);
      if (meta?.ok && bytesCount > 0) return true;
      const finding: BlobFinding =
        meta === undefined
          ? { key: mh, table: 'blobBytes', reason: 'bytes without metadata' }
          : meta.ok
            ? { key: mh, table: 'blobMeta', reason: 'metadata without bytes' }
            : { key: mh, table: 'blobMeta', reason: meta.reason };
      await dropIfStillBroken(finding);
      return false;
    },

    async delete(mh) {
      await db.transaction('rw', db.blobMeta, db.blobBytes, () => deletePairs(db, [mh]));
    },

    async totalBytes() {
      const scan = await db.transaction('r', db.blobMeta, db.blobBytes, () => scanBlobs(db));
      for (const f of scan.findings) await dropIfStillBroken(f);
      return scan.metas.reduce((sum, m) => sum + m.size, 0);
    },

    async list(options = {}) {
      const limit = options.limit ?? Infinity;
      const metas: BlobMeta[] = [];
      const findings: BlobFinding[] = [];
      // Through the lastUsedAt index, newest first, stopping at `limit`: listing never loads
      // more than it returns (plus any broken rows it skips).
      await db.blobMeta
        .orderBy('lastUsedAt')
        .reverse()
        .until(() => metas.length >= limit)
        .each((raw, cursor) => {
          const d = decodeBlobMeta(raw);
          if (d.ok) metas.push(d.value);
          else findings.push({ key: cursor.primaryKey, table: 'blobMeta', reason: d.reason });
        });
      for (const f of findings) await dropIfStillBroken(f);
      return metas;
    },

    async clear() {
      await db.transaction('rw', db.blobMeta, db.blobBytes, async () => {
        await db.blobMeta.clear();
        await db.blobBytes.clear();
      });
    },
  };
}
