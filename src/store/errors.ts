/**
 * Named errors of the store. Callers branch on `instanceof` (or on `name`, which survives
 * structured cloning across extension contexts), never on message text.
 */

/** The bytes offered for a multihash key do not hash to it; nothing was written. */
export class IntegrityError extends Error {
  override name = 'IntegrityError';
  /** The multihash key the bytes were claimed to have. */
  readonly multihashKey: string;

  constructor(multihashKey: string) {
    super(`bytes do not match multihash ${multihashKey}`);
    this.multihashKey = multihashKey;
  }
}

/** The asset alone is larger than the whole cache budget, so storing it could never succeed. */
export class AssetTooLargeError extends Error {
  override name = 'AssetTooLargeError';
  readonly multihashKey: string;
  readonly size: number;
  readonly budget: number;

  constructor(multihashKey: string, size: number, budget: number) {
    super(`asset ${multihashKey} is ${size} bytes, more than the cache budget of ${budget} bytes`);
    this.multihashKey = multihashKey;
    this.size = size;
    this.budget = budget;
  }
}

/**
 * The site whose page loaded the asset has added its share of the cache for the last 24 hours
 * (blobs.ts, `SITE_SHARE_PER_DAY`); nothing was written. Storing it would evict other
 * sites' files for one site's benefit (issue 10, item 2).
 */
export class SiteBudgetError extends Error {
  override name = 'SiteBudgetError';
  readonly site: string;

  constructor(site: string, added: number, allowed: number) {
    super(`${site} added ${added} bytes to the cache in 24 hours; its share is ${allowed}`);
    this.site = site;
  }
}

/**
 * The browser refused the write for lack of disk quota. The transaction was aborted, so every
 * blob stored before is still there; the original error is kept as `cause`.
 */
export class QuotaFullError extends Error {
  override name = 'QuotaFullError';

  constructor(cause: unknown) {
    super('storage quota exceeded; the write was rolled back', { cause });
  }
}

/** A value handed to a repository is not a record the store can read back; nothing was written. */
export class InvalidRecordError extends Error {
  override name = 'InvalidRecordError';
  readonly table: string;
  readonly reason: string;

  constructor(table: string, reason: string) {
    super(`invalid ${table} record: ${reason}`);
    this.table = table;
    this.reason = reason;
  }
}

/**
 * True when `err` is, or wraps, the browser's out-of-quota error. Dexie re-wraps IndexedDB
 * errors (`inner`), and an aborted transaction or bulk operation may carry the original deeper
 * (`cause`, `failures`), so the whole chain is searched. Firefox has also used the legacy
 * name `NS_ERROR_DOM_QUOTA_REACHED` for storage quota.
 */
export function isQuotaExceeded(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 8) return false;
  const e = err as { name?: unknown; inner?: unknown; cause?: unknown; failures?: unknown };
  if (e.name === 'QuotaExceededError' || e.name === 'NS_ERROR_DOM_QUOTA_REACHED') return true;
  if (isQuotaExceeded(e.inner, depth + 1) || isQuotaExceeded(e.cause, depth + 1)) return true;
  return Array.isArray(e.failures) && e.failures.some((f) => isQuotaExceeded(f, depth + 1));
}
