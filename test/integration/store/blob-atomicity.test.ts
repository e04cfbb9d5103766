/**
 * A blob is visible only whole: a reader on another connection (another extension context)
 * that runs while a put is writing sees either nothing or the whole verified blob.
 */
import { Dexie } from 'dexie';
import { afterEach, expect, it } from 'vitest';
import type { Store } from '../../../src/store/index.ts';
import { bytesOf, multihashKey, openTestStore, type TestStore } from './fixtures.ts';

let t: TestStore | undefined;
let reader: Store | undefined;
afterEach(() => {
  reader?.close();
  t?.store.close();
});

interface Observation {
  meta: boolean;
  bytes: boolean;
  got: 'none' | 'whole' | 'partial';
}

it('a reader during a write never sees a partial blob', async () => {
  t = await openTestStore();
  const other = await t.reopen();
  reader = other;
  const data = bytesOf(4096, 9);
  const mh = await multihashKey(data);
  const observations: Promise<Observation>[] = [];

  const observe = (): void => {
    // Outside the writer's transaction zone, so the read is a transaction of its own that the
    // database schedules against the write, as a read from another context would be.
    const seen = Dexie.ignoreTransaction(async (): Promise<Observation> => {
      const [meta, bytes] = await other.db.transaction('r', other.db.blobMeta, other.db.blobBytes, async () => [
        (await other.db.blobMeta.get(mh)) !== undefined,
        (await other.db.blobBytes.get(mh)) !== undefined,
      ]);
      const hit = await other.blobs.get(mh);
      const got = hit === undefined ? 'none' : hit.bytes.byteLength === data.byteLength ? 'whole' : 'partial';
      return { meta: meta ?? false, bytes: bytes ?? false, got };
    });
    observations.push(seen);
  };
  // Hooks run inside the writing transaction, at the moment each row is written: the readers
  // they start are queued while the write is in progress.
  t.store.db.blobMeta.hook('creating', observe);
  t.store.db.blobBytes.hook('creating', observe);

  await t.store.blobs.put(mh, data, 'application/wasm');
  const seen = await Promise.all(observations);

  expect(seen.length).toBeGreaterThanOrEqual(2);
  for (const o of seen) {
    expect(o.meta).toBe(o.bytes);
    expect(o.got).not.toBe('partial');
  }
  // The readers were scheduled after the commit, so they saw the whole blob.
  expect(seen.every((o) => o.got === 'whole')).toBe(true);
  expect(t.corrupt).toEqual([]);
});
