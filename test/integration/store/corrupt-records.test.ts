/**
 * "An undecodable record is dropped alone, never the database": garbage rows, written straight
 * into IndexedDB next to good ones, are deleted one by one and reported, and the good rows
 * keep working.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { bytesOf, multihashKey, openTestStore, type TestStore } from './fixtures.ts';

let t: TestStore | undefined;
afterEach(() => t?.store.close());

const T0 = Date.UTC(2025, 0, 15);

describe('undecodable records', () => {
  it('blobs: drops bytes stored as a string, metadata missing its size, and orphan bytes', async () => {
    t = await openTestStore();
    const good = bytesOf(32, 1);
    const mhGood = await multihashKey(good);
    await t.store.blobs.put(mhGood, good, 'text/css');
    const meta = { type: 'text/css', createdAt: T0, lastUsedAt: T0, useCount: 0 };
    await t.store.db.table('blobMeta').bulkPut([
      { mh: 'stringBytes', size: 9, ...meta },
      { mh: 'noSize', ...meta },
    ]);
    await t.store.db.table('blobBytes').bulkPut([
      { mh: 'stringBytes', bytes: 'not bytes' },
      { mh: 'noSize', bytes: bytesOf(4) },
      { mh: 'orphan', bytes: bytesOf(4) },
    ]);

    expect(await t.store.blobs.get('stringBytes')).toBeUndefined();
    expect(await t.store.blobs.has('noSize')).toBe(false);
    expect(await t.store.blobs.totalBytes()).toBe(32);
    expect((await t.store.blobs.list()).map((m) => m.mh)).toEqual([mhGood]);

    expect(t.corrupt).toEqual(
      expect.arrayContaining([
        { table: 'blobBytes', key: 'stringBytes', reason: expect.stringMatching(/bytes/) },
        { table: 'blobMeta', key: 'noSize', reason: expect.stringMatching(/size/) },
        { table: 'blobBytes', key: 'orphan', reason: expect.stringMatching(/without metadata/) },
      ]),
    );
    expect(t.corrupt).toHaveLength(3);
    expect(await t.store.db.blobMeta.toCollection().primaryKeys()).toEqual([mhGood]);
    expect(await t.store.db.blobBytes.toCollection().primaryKeys()).toEqual([mhGood]);
    expect((await t.store.blobs.get(mhGood))?.bytes).toEqual(good);
  });

  it('blobs: a put sweeps broken pairs it meets and still counts the budget right', async () => {
    t = await openTestStore();
    t.budget.bytes = 100;
    await t.store.db.table('blobMeta').put({ mh: 'broken', size: 'huge', type: 'x', createdAt: T0, lastUsedAt: T0, useCount: 0 });
    await t.store.db.table('blobBytes').put({ mh: 'broken', bytes: bytesOf(90) });
    const x = bytesOf(60, 3);

    expect(await t.store.blobs.put(await multihashKey(x), x, 'text/css')).toEqual({ evicted: [] });

    expect(t.corrupt).toEqual([{ table: 'blobMeta', key: 'broken', reason: expect.stringMatching(/size/) }]);
    expect(await t.store.db.blobBytes.get('broken')).toBeUndefined();
  });

  it('bindings: a garbage binding is dropped, the good one of the same URL still served', async () => {
    t = await openTestStore();
    const url = 'https://cdn.example/lib.js';
    await t.store.bindings.put({ url, mh: 'good', source: 'list', fetchedAt: T0, freshUntil: T0 + 1000, mustRevalidate: false });
    await t.store.db.table('bindings').put({ url, mh: 42, source: 'observed', site: 'a.example', fetchedAt: T0, freshUntil: T0 + 1000, mustRevalidate: 'yes' });

    expect((await t.store.bindings.lookup(url, T0))?.binding.mh).toBe('good');
    expect(t.corrupt).toEqual([{ table: 'bindings', key: [url, 'observed'], reason: expect.any(String) }]);
    expect(await t.store.db.bindings.count()).toBe(1);
  });

  it('popularity: a garbage row reads as unknown, is dropped, and a new advertisement starts afresh', async () => {
    t = await openTestStore();
    await t.store.popularity.recordPeer('good', 'peer-a');
    await t.store.db.table('popularity').put({ mh: 'bad', peers: 'peer-a,peer-b', onList: false, updatedAt: T0 });

    expect(await t.store.popularity.peerCount('bad')).toBe(0);
    expect(await t.store.db.popularity.get('bad')).toBeUndefined();
    expect(await t.store.popularity.recordPeer('bad', 'peer-c')).toBe(1);
    expect(await t.store.popularity.peerCount('good')).toBe(1);
    expect(t.corrupt).toEqual([{ table: 'popularity', key: 'bad', reason: expect.stringMatching(/peers/) }]);
  });

  it('stats: a garbage row is left out of the summary and dropped; the rest still adds up', async () => {
    t = await openTestStore();
    t.clock.set(Date.UTC(2025, 2, 1, 12));
    await t.store.stats.add('a.example', { servedRequests: 2 });
    await t.store.db.table('stats').put({ day: '2025-02-28', site: 'b.example', servedRequests: 'lots', bytesSaved: 0, learnBytes: 0, lanBytesIn: 0, lanBytesOut: 0 });

    const s = await t.store.stats.summary();

    expect(s.total.servedRequests).toBe(2);
    expect(Object.keys(s.perSite)).toEqual(['a.example']);
    expect(t.corrupt).toEqual([{ table: 'stats', key: ['2025-02-28', 'b.example'], reason: expect.stringMatching(/servedRequests/) }]);
    expect(await t.store.db.stats.count()).toBe(2);
  });
});
