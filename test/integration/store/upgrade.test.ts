/**
 * A database created by an earlier schema opens with the current PeerCacheDb: version 1's rows
 * survive, blob metadata gains useCount = 0, and the stats table is there; version 2's bindings
 * without the origin's facts (type, CORP) go.
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

  expect(t.store.db.verno).toBe(SCHEMA_HISTORY.at(-1)?.version);
  expect(await t.store.db.blobMeta.get(mh)).toEqual({ mh, size: 128, type: 'text/javascript', createdAt: T0, lastUsedAt: T0, useCount: 0 });
  expect((await t.store.blobs.get(mh))?.bytes).toEqual(bytes);
  expect((await t.store.blobs.list())[0]?.useCount).toBe(1);
  expect((await t.store.bindings.lookup('https://cdn.example/a.js', T0))?.binding.mh).toBe(mh);
  expect(await t.store.popularity.isPopular(mh, 3)).toBe(true);

  await t.store.stats.add('a.example', { servedRequests: 1, bytesSaved: 128 });
  expect((await t.store.stats.summary()).total).toMatchObject({ servedRequests: 1, bytesSaved: 128 });
  expect(t.corrupt).toEqual([]);
});

it('upgrades a version-2 database: bindings that lack what the origin sent with their URL go, everything else stays', async () => {
  const factory = new IDBFactory();
  const v2 = new Dexie(NAME, { indexedDB: factory, IDBKeyRange });
  applySchemaHistory(v2, SCHEMA_HISTORY.filter((s) => s.version <= 2));
  await v2.open();
  const bytes = bytesOf(128, 7);
  const mh = await multihashKey(bytes);
  await v2.table('blobMeta').put({ mh, size: 128, type: 'text/javascript', createdAt: T0, lastUsedAt: T0, useCount: 2 });
  await v2.table('blobBytes').put({ mh, bytes });
  const row = { mh, fetchedAt: T0, freshUntil: T0 + 86_400_000, mustRevalidate: false };
  // A bank's own copy, observed before version 3: whether it had CORS or CORP is unknown.
  await v2.table('bindings').put({ ...row, url: 'https://bank.example/js/jquery.js', source: 'observed', site: 'bank.example', corsAnyOrigin: false });
  await v2.table('bindings').put({ ...row, url: 'https://static.example/app.js', source: 'group', site: '(group)', corsAnyOrigin: true });
  await v2.table('bindings').put({ ...row, url: 'https://cdn.example/a.js', source: 'list', freshUntil: Infinity });
  v2.close();

  t = await openTestStore({ name: NAME, factory });

  expect(t.store.db.verno).toBe(SCHEMA_HISTORY.at(-1)?.version);
  expect((await t.store.db.bindings.toArray()).map((b) => b.url)).toEqual(['https://cdn.example/a.js']);
  // The bytes stay: the bank's next visit binds its URL again, with the facts.
  expect((await t.store.blobs.get(mh))?.bytes).toEqual(bytes);
  expect(t.corrupt).toEqual([]);
});

it('keeps the history append-only: versions strictly increase and the last is the class version', async () => {
  const versions = SCHEMA_HISTORY.map((s) => s.version);
  expect(versions).toEqual([...versions].sort((a, b) => a - b));
  expect(new Set(versions).size).toBe(versions.length);
  t = await openTestStore();
  expect(t.store.db.verno).toBe(versions.at(-1));
});
