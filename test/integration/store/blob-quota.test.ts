/**
 * Out of quota: the write fails as QuotaFullError and the cache is exactly as before,
 * including blobs the failed put had already evicted inside its transaction.
 */
import { Dexie } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { QuotaFullError } from '../../../src/store/index.ts';
import { isQuotaExceeded } from '../../../src/store/errors.ts';
import { bytesOf, multihashKey, openTestStore, type TestStore } from './fixtures.ts';

let t: TestStore | undefined;
afterEach(() => t?.store.close());

describe('quota exhausted', () => {
  it('surfaces QuotaFullError and leaves earlier blobs intact', async () => {
    t = await openTestStore();
    t.budget.bytes = 100;
    const old = bytesOf(60, 1);
    const next = bytesOf(60, 2);
    const [mhOld, mhNext] = [await multihashKey(old), await multihashKey(next)];
    await t.store.blobs.put(mhOld, old, 'text/javascript');
    t.clock.advance(1);
    // What IndexedDB does when the disk quota runs out mid-transaction. Putting `next` needs
    // `old` evicted first, so the abort must also undo that eviction.
    const quotaExceeded = (): never => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    t.store.db.blobBytes.hook('creating', quotaExceeded);

    const err = await t.store.blobs.put(mhNext, next, 'text/javascript').catch((e: unknown) => e);

    expect(err).toBeInstanceOf(QuotaFullError);
    expect((await t.store.blobs.get(mhOld))?.bytes).toEqual(old);
    expect(await t.store.blobs.has(mhNext)).toBe(false);
    expect(await t.store.db.blobMeta.get(mhNext)).toBeUndefined();
    expect(await t.store.blobs.totalBytes()).toBe(60);

    // With space again the same put succeeds and evicts `old`: the failed one would have too.
    t.store.db.blobBytes.hook('creating').unsubscribe(quotaExceeded);
    expect(await t.store.blobs.put(mhNext, next, 'text/javascript')).toEqual({ evicted: [mhOld] });
  });

  it('recognises the quota error however Dexie wraps it', () => {
    const dom = new DOMException('quota', 'QuotaExceededError');
    expect(isQuotaExceeded(dom)).toBe(true);
    expect(isQuotaExceeded(new Dexie.AbortError('Transaction aborted', dom))).toBe(true);
    expect(isQuotaExceeded(new Dexie.BulkError('bulkPut failed', { 0: dom }))).toBe(true);
    expect(isQuotaExceeded(new Error('wrapped', { cause: dom }))).toBe(true);
    expect(isQuotaExceeded(new Dexie.AbortError('Transaction aborted', new DOMException('x', 'ConstraintError')))).toBe(false);
  });
});
