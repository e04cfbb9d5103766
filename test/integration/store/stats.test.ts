import { afterEach, describe, expect, it } from 'vitest';
import { InvalidRecordError } from '../../../src/store/index.ts';
import { openTestStore, type TestStore } from './fixtures.ts';

let t: TestStore | undefined;
afterEach(() => t?.store.close());

const DAY = 86_400_000;
const zero = { servedRequests: 0, bytesSaved: 0, learnBytes: 0, pageCacheBytes: 0, lanBytesIn: 0, lanBytesOut: 0 };

describe('stats', () => {
  it('adds to the site and to the total of the current UTC day', async () => {
    t = await openTestStore();
    t.clock.set(Date.UTC(2025, 2, 1, 10));
    await t.store.stats.add('a.example', { servedRequests: 2, bytesSaved: 1000 });
    await t.store.stats.add('b.example', { servedRequests: 1, bytesSaved: 500, lanBytesIn: 500 });
    await t.store.stats.add('a.example', { learnBytes: 70 });

    expect(await t.store.stats.summary()).toEqual({
      total: { ...zero, servedRequests: 3, bytesSaved: 1500, learnBytes: 70, lanBytesIn: 500 },
      perSite: {
        'a.example': { ...zero, servedRequests: 2, bytesSaved: 1000, learnBytes: 70 },
        'b.example': { ...zero, servedRequests: 1, bytesSaved: 500, lanBytesIn: 500 },
      },
    });
    expect(await t.store.db.stats.get(['2025-03-01', '*'])).toMatchObject({ servedRequests: 3 });
  });

  it('keeps the rows written before bytes learned from the page cache were counted, at zero', async () => {
    t = await openTestStore();
    t.clock.set(Date.UTC(2025, 2, 1, 10));
    const { pageCacheBytes: _, ...old } = zero;
    await t.store.db.table('stats').put({ day: '2025-03-01', site: 'a.example', ...old, learnBytes: 70 });
    await t.store.stats.add('a.example', { pageCacheBytes: 500 });
    expect((await t.store.stats.summary()).perSite['a.example']).toEqual({ ...zero, learnBytes: 70, pageCacheBytes: 500 });
  });

  it('splits days at UTC midnight and sums from sinceDay on', async () => {
    t = await openTestStore();
    t.clock.set(Date.UTC(2025, 2, 1, 23, 59, 59, 999));
    await t.store.stats.add('a.example', { servedRequests: 1 });
    t.clock.advance(1);
    await t.store.stats.add('a.example', { servedRequests: 10 });

    expect((await t.store.stats.summary({ sinceDay: '2025-03-02' })).total.servedRequests).toBe(10);
    expect((await t.store.stats.summary({ sinceDay: '2025-03-01' })).total.servedRequests).toBe(11);
    expect((await t.store.stats.summary({ sinceDay: '2025-03-03' })).perSite).toEqual({});
  });

  it('gives the last n days of totals, oldest first, with empty days as zeros', async () => {
    t = await openTestStore();
    const start = Date.UTC(2025, 2, 1, 12);
    t.clock.set(start - 10 * DAY);
    await t.store.stats.add('a.example', { servedRequests: 99 }); // outside the window
    t.clock.set(start);
    await t.store.stats.add('a.example', { servedRequests: 1, bytesSaved: 10 });
    t.clock.set(start + 2 * DAY);
    await t.store.stats.add('b.example', { servedRequests: 3 });

    expect(await t.store.stats.daily(3)).toEqual([
      { day: '2025-03-01', ...zero, servedRequests: 1, bytesSaved: 10 },
      { day: '2025-03-02', ...zero },
      { day: '2025-03-03', ...zero, servedRequests: 3 },
    ]);
  });

  it('keeps the total right under concurrent adds', async () => {
    t = await openTestStore();
    await Promise.all(Array.from({ length: 20 }, (_, i) => t?.store.stats.add(i % 2 ? 'a.example' : 'b.example', { servedRequests: 1 })));

    const s = await t.store.stats.summary();
    expect(s.total.servedRequests).toBe(20);
    expect(s.perSite['a.example']?.servedRequests).toBe(10);
  });

  it("refuses the reserved '*' site and negative deltas, writing nothing", async () => {
    t = await openTestStore();
    await expect(t.store.stats.add('*', { servedRequests: 1 })).rejects.toBeInstanceOf(InvalidRecordError);
    await expect(t.store.stats.add('a.example', { bytesSaved: -5 })).rejects.toBeInstanceOf(InvalidRecordError);
    expect(await t.store.db.stats.count()).toBe(0);
  });
});
