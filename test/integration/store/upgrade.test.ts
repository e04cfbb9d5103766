/**
 * A database created by the version-1 schema opens with the current PeerCacheDb: every row
 * survives, blob metadata gains useCount = 0, and the stats table is there.
 */
import { Dexie } from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, expect, it } from 'vitest';
import { SCHEMA_HISTORY, applySchemaHistory } from '../../../src/store/schema.ts';
import { bytesOf, multihashKey, openTestStore, type TestStore } from './fixtures.ts';

let t: TestStore | undefined;
afterEach(() => t?.store.close());

const NAME = 'peercache-test';
const T0 = Date.UTC(2024, 5, 1);

it('upgrades a version-1 database to the current schema without losing data', async () => {
  const factory = new IDBFactory();
  const v1 = new Dexie(NAME, { indexedDB: factory, IDBKeyRange });
  applySchemaHistory(v1, SCHEMA_HISTORY.filter((s) => s.version === 1));
  await v1.open();
  expect(v1.verno).toBe(1);
  expect(v1.tables.map((tb) => tb.name)).not.toContain('stats');
  const bytes = bytesOf(128, 5);
  const mh = await multihashKey(bytes);
  // Version-1 blob metadata had no useCount.
  await v1.table('blobMeta').put({ mh, size: 128, type: 'text/javascript', createdAt: T0, lastUsedAt: T0 });
  await v1.table('blobBytes').put({ mh, bytes });
  await v1.table('bindings').put({ url: 'https://cdn.example/a.js', mh, source: 'list', fetchedAt: T0, freshUntil: Infinity, mustRevalidate: false });
  await v1.table('popularity').put({ mh, peers: ['peer-a'], onList: true, updatedAt: T0 });
  v1.close();

  t = await openTestStore({ name: NAME, factory });

  expect(t.store.db.verno).toBe(2);
  expect(await t.store.db.blobMeta.get(mh)).toEqual({ mh, size: 128, type: 'text/javascript', createdAt: T0, lastUsedAt: T0, useCount: 0 });
  expect((await t.store.blobs.get(mh))?.bytes).toEqual(bytes);
  expect((await t.store.blobs.list())[0]?.useCount).toBe(1);
  expect((await t.store.bindings.lookup('https://cdn.example/a.js', T0))?.binding.mh).toBe(mh);
  expect(await t.store.popularity.isPopular(mh, 3)).toBe(true);

  await t.store.stats.add('a.example', { servedRequests: 1, bytesSaved: 128 });
  expect((await t.store.stats.summary()).total).toMatchObject({ servedRequests: 1, bytesSaved: 128 });
  expect(t.corrupt).toEqual([]);
});

it('keeps the history append-only: versions strictly increase and the last is the class version', async () => {
  const versions = SCHEMA_HISTORY.map((s) => s.version);
  expect(versions).toEqual([...versions].sort((a, b) => a - b));
  expect(new Set(versions).size).toBe(versions.length);
  t = await openTestStore();
  expect(t.store.db.verno).toBe(versions.at(-1));
});
