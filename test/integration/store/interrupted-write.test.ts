/**
 * The background killed in the middle of storing a blob (issue 10, item 7): a service worker or
 * event page that is stopped never commits its open transaction, which IndexedDB then rolls
 * back. Aborting the put's transaction at each point of the write is that kill; a later open of
 * the database, as the restarted background does, must find the whole verified blob or nothing.
 * And whatever a write outside the store's transaction could leave behind (bytes cut short,
 * bytes that no longer hash to their key) is refused and removed on read, never served.
 */
import type { Table, Transaction } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import type { PeerCacheDb, Store } from '../../../src/store/index.ts';
import { bytesOf, multihashKey, openTestStore, type TestStore } from './fixtures.ts';

let t: TestStore | undefined;
let later: Store | undefined;
afterEach(() => {
  later?.close();
  t?.store.close();
});

type KillPoint = 'before the metadata' | 'between the metadata and the bytes' | 'after both rows, before the commit';

/**
 * Aborts the transaction of the next blob write at `point`, as a killed context would end it.
 * A new key's rows are created; a key stored again has its rows updated: both are watched.
 */
function killAt(db: PeerCacheDb, point: KillPoint): void {
  // Set as the write's onsuccess when the rows must be written before the kill.
  const kill = (tx: Transaction, afterWrite: (abort: () => void) => void): void => {
    if (point === 'after both rows, before the commit') afterWrite(() => tx.abort());
    else tx.abort();
  };
  const table = point === 'before the metadata' ? db.blobMeta : db.blobBytes;
  (table as Table<unknown, string>).hook('creating', function (_k, _row, tx) {
    kill(tx, (abort) => (this.onsuccess = abort));
  });
  (table as Table<unknown, string>).hook('updating', function (_mods, _k, _row, tx) {
    kill(tx, (abort) => (this.onsuccess = abort));
  });
}

/** What the restarted background sees: a new connection to the same database. */
async function reopened(): Promise<Store> {
  t!.store.close();
  later = await t!.reopen();
  return later;
}

const POINTS: KillPoint[] = ['before the metadata', 'between the metadata and the bytes', 'after both rows, before the commit'];

describe.each(POINTS)('killed %s', (point) => {
  it('a new blob is absent after restart, and the blobs stored before are whole', async () => {
    t = await openTestStore();
    const kept = bytesOf(2048, 1);
    const keptKey = await multihashKey(kept);
    await t.store.blobs.put(keptKey, kept, 'text/css');
    const big = bytesOf(256 * 1024, 2);
    const bigKey = await multihashKey(big);
    killAt(t.store.db, point);

    await expect(t.store.blobs.put(bigKey, big, 'application/javascript')).rejects.toThrow();

    const store = await reopened();
    expect(await store.db.blobMeta.get(bigKey)).toBeUndefined();
    expect(await store.db.blobBytes.get(bigKey)).toBeUndefined();
    expect(await store.blobs.has(bigKey)).toBe(false);
    expect(await store.blobs.get(bigKey)).toBeUndefined();
    expect((await store.blobs.list()).map((m) => m.mh)).toEqual([keptKey]);
    expect(await store.blobs.totalBytes()).toBe(2048);
    expect((await store.blobs.get(keptKey))?.bytes).toEqual(kept);
    // Learning it again after the restart stores it whole.
    await store.blobs.put(bigKey, big, 'application/javascript');
    expect((await store.blobs.get(bigKey))?.bytes).toEqual(big);
    expect(t.corrupt).toEqual([]);
  });

  it('a blob being stored again keeps its earlier whole copy', async () => {
    t = await openTestStore();
    const bytes = bytesOf(4096, 3);
    const key = await multihashKey(bytes);
    await t.store.blobs.put(key, bytes, 'text/javascript');
    await t.store.blobs.get(key);
    t.clock.advance(1000);
    // A second put of the same key (another tab learned it) killed at the same point.
    killAt(t.store.db, point);

    await expect(t.store.blobs.put(key, bytes, 'text/javascript')).rejects.toThrow();

    const store = await reopened();
    expect((await store.blobs.get(key))?.bytes).toEqual(bytes);
    expect((await store.blobs.list())[0]).toMatchObject({ mh: key, size: 4096, useCount: 2 });
  });
});

describe('what a write outside one transaction could leave', () => {
  it('a blob whose bytes were cut short is refused and removed, never served', async () => {
    t = await openTestStore();
    const bytes = bytesOf(8192, 4);
    const key = await multihashKey(bytes);
    await t.store.blobs.put(key, bytes, 'text/javascript');
    // Half the bytes under full-size metadata, and half the bytes under metadata that matches them.
    const other = bytesOf(8192, 5);
    const otherKey = await multihashKey(other);
    await t.store.blobs.put(otherKey, other, 'text/javascript');
    await t.store.db.blobBytes.put({ mh: key, bytes: bytes.slice(0, 4096) });
    await t.store.db.blobBytes.put({ mh: otherKey, bytes: other.slice(0, 4096) });
    await t.store.db.blobMeta.update(otherKey, { size: 4096 });

    const store = await reopened();
    expect(await store.blobs.get(key)).toBeUndefined();
    expect(await store.blobs.get(otherKey)).toBeUndefined();
    // Removed, both rows: the next read is a plain miss and learning can store it again.
    expect(await store.db.blobMeta.count()).toBe(0);
    expect(await store.db.blobBytes.count()).toBe(0);
    expect(await store.blobs.has(key)).toBe(false);
    expect(t.corrupt.map((c) => c.key).sort()).toEqual([key, otherKey].sort());
    await store.blobs.put(key, bytes, 'text/javascript');
    expect((await store.blobs.get(key))?.bytes).toEqual(bytes);
  });
});
