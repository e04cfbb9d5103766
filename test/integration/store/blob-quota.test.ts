/**
 * IndexedDB quota full: evict and continue (issue 10, item 7). The browser's space can be below
 * the cache budget (a small disk, the origin's quota); a put it refuses evicts the least
 * recently used blobs and is tried again, and when no eviction can make room it is refused with
 * QuotaFullError, the other blobs intact and the store still working.
 */
import { Dexie, type Transaction } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { QuotaFullError } from '../../../src/store/index.ts';
import { QUOTA_RETRIES } from '../../../src/store/blobs.ts';
import { isQuotaExceeded } from '../../../src/store/errors.ts';
import type { PeerCacheDb } from '../../../src/store/schema.ts';
import { bytesOf, multihashKey, openTestStore, type TestStore } from './fixtures.ts';

let t: TestStore | undefined;
afterEach(() => t?.store.close());

const quotaError = (): DOMException => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

/**
 * A disk of `quota` bytes under the blob bytes, refusing a write as Chromium does: what is
 * committed plus what the transaction writes must fit, and deletes free space only once their
 * transaction commits. Rows written before it was installed are not counted.
 */
function limitSpace(db: PeerCacheDb, quota: { bytes: number }): void {
  let used = 0;
  const pending = new Map<Transaction, { added: number; freed: number }>();
  const of = (tx: Transaction): { added: number; freed: number } => {
    let p = pending.get(tx);
    if (!p) {
      const entry = { added: 0, freed: 0 };
      pending.set(tx, entry);
      tx.on('complete', () => {
        used += entry.added - entry.freed;
        pending.delete(tx);
      });
      tx.on('abort', () => pending.delete(tx));
      p = entry;
    }
    return p;
  };
  db.blobBytes.hook('creating', (_key, row, tx) => {
    const p = of(tx);
    if (used + p.added + row.bytes.byteLength > quota.bytes) throw quotaError();
    p.added += row.bytes.byteLength;
  });
  db.blobBytes.hook('deleting', (_key, row, tx) => {
    of(tx).freed += row.bytes.byteLength;
  });
}

/** Stores `n` blobs of `size` bytes one clock tick apart (the first is the least recently used). */
async function fill(store: TestStore, n: number, size: number, seed: number): Promise<{ key: string; bytes: Uint8Array<ArrayBuffer> }[]> {
  const out = [];
  for (let i = 0; i < n; i++) {
    const bytes = bytesOf(size, seed + i);
    const key = await multihashKey(bytes);
    await store.store.blobs.put(key, bytes, 'text/javascript');
    store.clock.advance(1);
    out.push({ key, bytes });
  }
  return out;
}

async function held(keys: readonly { key: string; bytes: Uint8Array }[]): Promise<boolean[]> {
  const out = [];
  for (const k of keys) out.push((await t!.store.blobs.get(k.key, { touch: false }))?.bytes.length === k.bytes.length);
  return out;
}

describe('quota full', () => {
  it('evicts the least recently used blobs and stores the new one, again and again, below a budget the disk cannot hold', async () => {
    t = await openTestStore();
    t.budget.bytes = 1_000_000;
    limitSpace(t.store.db, { bytes: 500 });
    const five = await fill(t, 5, 100, 1);
    // The oldest is used again: it is now the most recent and must outlive the second oldest.
    await t.store.blobs.get(five[0]!.key);
    t.clock.advance(1);

    const [sixth, seventh] = await fill(t, 2, 100, 50);
    // Each new blob pushed out exactly the least recently used one, never more.
    expect(await held(five)).toEqual([true, false, false, true, true]);
    expect(await held([sixth!, seventh!])).toEqual([true, true]);
    expect(await t.store.blobs.totalBytes()).toBe(500);

    // What put reports: the one it evicted for space.
    const eighth = bytesOf(100, 90);
    expect(await t.store.blobs.put(await multihashKey(eighth), eighth, 'text/css')).toEqual({ evicted: [five[3]!.key] });
    expect(t.corrupt).toEqual([]);
  });

  it('refuses a blob no eviction could make room for, evicting nothing, and keeps working', async () => {
    t = await openTestStore();
    const quota = { bytes: 300 };
    limitSpace(t.store.db, quota);
    const three = await fill(t, 3, 80, 1);
    const big = bytesOf(400, 7);
    const bigKey = await multihashKey(big);

    await expect(t.store.blobs.put(bigKey, big, 'application/wasm')).rejects.toBeInstanceOf(QuotaFullError);

    expect(await held(three)).toEqual([true, true, true]);
    expect(await t.store.blobs.has(bigKey)).toBe(false);
    expect(await t.store.db.blobMeta.get(bigKey)).toBeUndefined();
    // Later operations: a small put fits, reads count uses, and with a bigger disk the big one goes in.
    const [small] = await fill(t, 1, 50, 30);
    expect(await held([small!])).toEqual([true]);
    quota.bytes = 1_000;
    await t.store.blobs.put(bigKey, big, 'application/wasm');
    expect((await t.store.blobs.get(bigKey))?.bytes).toEqual(big);
    expect(await held(three)).toEqual([true, true, true]);
  });

  it('against a browser that refuses every write, gives up after evicting at most three times the new size, oldest first', async () => {
    t = await openTestStore();
    const ten = await fill(t, 10, 100, 1);
    let refusing = true;
    const refuse = (): void => {
      if (refusing) throw quotaError();
    };
    t.store.db.blobBytes.hook('creating', refuse);
    const next = bytesOf(100, 77);
    const nextKey = await multihashKey(next);

    await expect(t.store.blobs.put(nextKey, next, 'text/javascript')).rejects.toBeInstanceOf(QuotaFullError);

    // Rounds free the new size, then twice it: the three least recently used went, seven stay whole.
    expect(QUOTA_RETRIES).toBe(2);
    expect(await held(ten)).toEqual([false, false, false, true, true, true, true, true, true, true]);
    expect(await t.store.blobs.totalBytes()).toBe(700);
    refusing = false;
    expect(await t.store.blobs.put(nextKey, next, 'text/javascript')).toEqual({ evicted: [] });
    expect(t.corrupt).toEqual([]);
  });

  it('a refused write also undoes the budget eviction it made inside its own transaction', async () => {
    t = await openTestStore();
    t.budget.bytes = 100;
    const [old] = await fill(t, 1, 60, 1);
    t.store.db.blobBytes.hook('creating', () => {
      throw quotaError();
    });
    // 60 + 80 is over the budget, so the write evicts `old` before it is refused; `old` alone is
    // smaller than the new blob, so no eviction for space follows either.
    const next = bytesOf(80, 2);
    const nextKey = await multihashKey(next);

    await expect(t.store.blobs.put(nextKey, next, 'text/javascript')).rejects.toBeInstanceOf(QuotaFullError);

    expect(await held([old!])).toEqual([true]);
    expect(await t.store.blobs.has(nextKey)).toBe(false);
    expect(await t.store.db.blobMeta.get(nextKey)).toBeUndefined();
    expect(await t.store.blobs.totalBytes()).toBe(60);
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
