/**
 * Every earlier schema version opens and upgrades (issue 10, item 7): for each version the
 * history lists below the current one, a database is built at that version, filled with rows as
 * that version's code wrote them, and opened with the current store. What the upgrades promise
 * to keep is there and usable through the repositories: blobs (version 1's metadata gains
 * useCount = 0), list bindings, bindings that carry the origin's facts (version 3 on), LAN
 * popularity and stats. What version 3 promises to drop (observed and group bindings without
 * the origin's type, which cannot be judged) is gone, and their blobs stay.
 *
 * A version appended to the history without rows here fails the last test, so this file grows
 * with the schema.
 */
import { Dexie } from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_HISTORY, applySchemaHistory } from '../../../src/store/schema.ts';
import { bytesOf, multihashKey, openTestStore, type TestStore } from './fixtures.ts';

let t: TestStore | undefined;
afterEach(() => t?.store.close());

const NAME = 'peercache-test';
const T0 = Date.UTC(2025, 0, 14, 9);
const DAY = '2025-01-14';
const CURRENT = SCHEMA_HISTORY.at(-1)!.version;
const LIST_URL = 'https://cdn.example/a.js';
const OBSERVED_URL = 'https://bank.example/js/jquery.js';
const GROUP_URL = 'https://static.example/app.js';

/** What one version's code wrote, and which of its bindings the current store must keep. */
interface WrittenRows {
  blobMeta: Record<string, unknown>;
  bindings: Record<string, unknown>[];
  popularity: Record<string, unknown>;
  stats?: Record<string, unknown>[];
  /** URLs whose bindings survive the upgrades (sorted). */
  keptBindings: string[];
}

/**
 * Rows as version `v` wrote them. Each entry follows that version's code: fields added later
 * without a version (blobMeta.site, Binding.sites, PopularityRecord.counts, pageCacheBytes)
 * are absent from older rows.
 */
function rowsOf(v: number, mh: string): WrittenRows {
  const meta = { mh, size: 128, type: 'text/javascript', createdAt: T0, lastUsedAt: T0 };
  const binding = { mh, fetchedAt: T0, freshUntil: T0 + 30 * 86_400_000, mustRevalidate: false };
  const list = { ...binding, url: LIST_URL, source: 'list', freshUntil: Infinity };
  const counters = { servedRequests: 3, bytesSaved: 384, learnBytes: 0, lanBytesIn: 128, lanBytesOut: 0 };
  switch (v) {
    case 1:
      // No useCount on blob metadata, no stats table, observed bindings without the origin's facts.
      return {
        blobMeta: meta,
        bindings: [list, { ...binding, url: OBSERVED_URL, source: 'observed', site: 'bank.example' }],
        popularity: { mh, peers: ['peer-a', 'peer-b'], onList: false, updatedAt: T0 },
        keptBindings: [LIST_URL],
      };
    case 2:
      // useCount and stats; bindings remember CORS but not yet the origin's type or CORP.
      return {
        blobMeta: { ...meta, useCount: 2 },
        bindings: [
          list,
          { ...binding, url: OBSERVED_URL, source: 'observed', site: 'bank.example', corsAnyOrigin: false },
          { ...binding, url: GROUP_URL, source: 'group', site: '(group)', corsAnyOrigin: true },
        ],
        popularity: { mh, peers: ['peer-a', 'peer-b'], onList: false, updatedAt: T0 },
        stats: [{ day: DAY, site: 'a.example', ...counters }, { day: DAY, site: '*', ...counters }],
        keptBindings: [LIST_URL],
      };
    case 3:
      // Bindings carry the origin's type and CORP, group bindings their holders: all kept.
      return {
        blobMeta: { ...meta, useCount: 2 },
        bindings: [
          list,
          { ...binding, url: OBSERVED_URL, source: 'observed', site: 'bank.example', corsAnyOrigin: true, type: 'text/javascript' },
          { ...binding, url: GROUP_URL, source: 'group', corsAnyOrigin: true, type: 'text/javascript', holders: 3 },
        ],
        popularity: { mh, peers: ['peer-a', 'peer-b'], onList: false, updatedAt: T0 },
        stats: [{ day: DAY, site: 'a.example', ...counters }, { day: DAY, site: '*', ...counters }],
        keptBindings: [OBSERVED_URL, GROUP_URL, LIST_URL].sort(),
      };
    default:
      throw new Error(`no rows written by schema version ${v}: add them here when appending a version`);
  }
}

/** Builds a database at version `v` on `factory` holding `rows`. */
async function databaseAt(v: number, factory: IDBFactory, bytes: Uint8Array, rows: WrittenRows): Promise<void> {
  const old = new Dexie(NAME, { indexedDB: factory, IDBKeyRange });
  applySchemaHistory(old, SCHEMA_HISTORY.filter((s) => s.version <= v));
  await old.open();
  expect(old.verno).toBe(v);
  await old.table('blobMeta').put(rows.blobMeta);
  await old.table('blobBytes').put({ mh: rows.blobMeta['mh'], bytes });
  await old.table('bindings').bulkPut(rows.bindings);
  await old.table('popularity').put(rows.popularity);
  if (rows.stats) await old.table('stats').bulkPut(rows.stats);
  old.close();
}

const earlier = SCHEMA_HISTORY.map((s) => s.version).filter((v) => v < CURRENT);

describe.each(earlier)('a database of schema version %i', (v) => {
  it('opens with the current store, and what the upgrades keep is there and usable', async () => {
    const factory = new IDBFactory();
    const bytes = bytesOf(128, 10 + v);
    const mh = await multihashKey(bytes);
    const rows = rowsOf(v, mh);
    await databaseAt(v, factory, bytes, rows);

    t = await openTestStore({ name: NAME, factory });
    const { store } = t;
    expect(store.db.verno).toBe(CURRENT);

    // The blob: whole, verified, its use count carried over (0 where version 1 kept none).
    const before = typeof rows.blobMeta['useCount'] === 'number' ? rows.blobMeta['useCount'] : 0;
    expect((await store.blobs.list())[0]).toMatchObject({ mh, size: 128, type: 'text/javascript', createdAt: T0, useCount: before });
    expect((await store.blobs.get(mh))?.bytes).toEqual(bytes);
    expect((await store.blobs.list())[0]?.useCount).toBe(before + 1);
    expect(await store.blobs.totalBytes()).toBe(128);

    // Bindings: kept ones are served through lookup; dropped ones are gone.
    expect((await store.db.bindings.toArray()).map((b) => b.url).sort()).toEqual(rows.keptBindings);
    for (const url of rows.keptBindings) expect((await store.bindings.lookup(url, T0 + 1))?.binding.mh).toBe(mh);
    expect(await store.bindings.forHash(mh)).toHaveLength(rows.keptBindings.length);

    // What the LAN said: two peers hold it.
    expect(await store.popularity.peerCount(mh)).toBe(2);
    expect(await store.popularity.isPopular(mh, 2)).toBe(true);

    // Stats: the old day's counters add up with today's, counters the version lacked read as 0.
    await store.stats.add('a.example', { servedRequests: 1, bytesSaved: 10 });
    const summary = await store.stats.summary();
    const had = rows.stats ? { servedRequests: 3, bytesSaved: 384, lanBytesIn: 128 } : { servedRequests: 0, bytesSaved: 0, lanBytesIn: 0 };
    expect(summary.total).toMatchObject({ servedRequests: had.servedRequests + 1, bytesSaved: had.bytesSaved + 10, lanBytesIn: had.lanBytesIn, pageCacheBytes: 0 });
    expect(summary.perSite['a.example']?.servedRequests).toBe(had.servedRequests + 1);

    // Later writes work on the upgraded database.
    const next = bytesOf(64, 99);
    const nextMh = await multihashKey(next);
    await store.blobs.put(nextMh, next, 'text/css');
    await store.bindings.put({ url: 'https://new.example/b.css', mh: nextMh, source: 'observed', site: 'new.example', fetchedAt: T0, freshUntil: T0 + 86_400_000, mustRevalidate: false, type: 'text/css' });
    expect((await store.bindings.lookup('https://new.example/b.css', T0 + 1))?.binding.mh).toBe(nextMh);
    expect(await store.blobs.totalBytes()).toBe(192);
    expect(t.corrupt).toEqual([]);
  });
});

it('has rows for every earlier version, and the history is append-only with the class at its last version', async () => {
  expect(earlier.length).toBe(SCHEMA_HISTORY.length - 1);
  for (const v of earlier) expect(() => rowsOf(v, 'mh')).not.toThrow();
  const versions = SCHEMA_HISTORY.map((s) => s.version);
  expect(versions).toEqual([...versions].sort((a, b) => a - b));
  expect(new Set(versions).size).toBe(versions.length);
  t = await openTestStore();
  expect(t.store.db.verno).toBe(CURRENT);
});
