import { afterEach, describe, expect, it } from 'vitest';
import { InvalidRecordError, type Binding } from '../../../src/store/index.ts';
import { openTestStore, type TestStore } from './fixtures.ts';

let t: TestStore | undefined;
afterEach(() => t?.store.close());

const URL_A = 'https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js';
const URL_B = 'https://unpkg.com/jquery@3.7.1/dist/jquery.min.js';
const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 0, 15);

function binding(over: Partial<Binding> = {}): Binding {
  return {
    url: URL_A,
    mh: 'EiDmh-jquery',
    source: 'observed',
    site: 'example.com',
    fetchedAt: T0,
    freshUntil: T0 + HOUR,
    mustRevalidate: false,
    type: 'text/javascript',
    ...over,
  };
}

describe('freshness', () => {
  it('serves a binding while fresh and flags it for revalidation once stale', async () => {
    t = await openTestStore();
    const b = binding({ etag: '"abc"', lastModified: 'Wed, 15 Jan 2025 00:00:00 GMT' });
    await t.store.bindings.put(b);

    expect(await t.store.bindings.lookup(URL_A, T0 + HOUR - 1)).toEqual({ binding: b, needsRevalidation: false });
    expect(await t.store.bindings.lookup(URL_A, T0 + HOUR)).toEqual({ binding: b, needsRevalidation: true });
    expect(await t.store.bindings.lookup(URL_B, T0)).toBeUndefined();
  });

  it('flags mustRevalidate bindings even while fresh', async () => {
    t = await openTestStore();
    await t.store.bindings.put(binding({ mustRevalidate: true }));

    expect((await t.store.bindings.lookup(URL_A, T0))?.needsRevalidation).toBe(true);
  });

  it('treats freshUntil = Infinity as never stale', async () => {
    t = await openTestStore();
    await t.store.bindings.put(binding({ source: 'list', site: undefined, freshUntil: Infinity }));

    expect((await t.store.bindings.lookup(URL_A, T0 + 1e12))?.needsRevalidation).toBe(false);
    expect(await t.store.bindings.expire(T0 + 1e12)).toBe(0);
  });
});

describe('preference', () => {
  it('prefers observed over list over group among fresh bindings', async () => {
    t = await openTestStore();
    await t.store.bindings.put(binding({ source: 'group', mh: 'group-mh', site: undefined, fetchedAt: T0 + 5 }));
    await t.store.bindings.put(binding({ source: 'list', mh: 'list-mh', site: undefined }));
    await t.store.bindings.put(binding({ source: 'observed', mh: 'observed-mh' }));

    expect((await t.store.bindings.lookup(URL_A, T0))?.binding.mh).toBe('observed-mh');
    expect((await t.store.bindings.lookup(URL_A, T0, { sources: ['list', 'group'] }))?.binding.mh).toBe('list-mh');
    expect((await t.store.bindings.lookup(URL_A, T0, { sources: ['group'] }))?.binding.mh).toBe('group-mh');
    expect(await t.store.bindings.lookup(URL_A, T0, { sources: [] })).toBeUndefined();
  });

  it('prefers any fresh binding over a stale one, and the preferred source among stale ones', async () => {
    t = await openTestStore();
    await t.store.bindings.put(binding({ source: 'observed', mh: 'observed-mh', freshUntil: T0 + 10 }));
    await t.store.bindings.put(binding({ source: 'list', mh: 'list-mh', site: undefined, freshUntil: T0 + 100 }));

    expect(await t.store.bindings.lookup(URL_A, T0 + 50)).toMatchObject({ binding: { mh: 'list-mh' }, needsRevalidation: false });
    expect(await t.store.bindings.lookup(URL_A, T0 + 200)).toMatchObject({ binding: { mh: 'observed-mh' }, needsRevalidation: true });
  });

  it('keeps one binding per url and source, the latest put', async () => {
    t = await openTestStore();
    await t.store.bindings.put(binding({ mh: 'old' }));
    await t.store.bindings.put(binding({ mh: 'new', fetchedAt: T0 + 1 }));

    expect((await t.store.bindings.lookup(URL_A, T0))?.binding.mh).toBe('new');
    expect(await t.store.db.bindings.count()).toBe(1);
  });
});

describe('putMany and lookupMany (a round of the group\'s bindings)', () => {
  it('writes all or nothing, and reads back one source by URL, fresh or not', async () => {
    t = await openTestStore();
    const good = [binding({ url: URL_A, source: 'group', site: undefined }), binding({ url: URL_B, source: 'group', freshUntil: T0 - 1 })];
    await expect(t.store.bindings.putMany([...good, binding({ url: 'https://x.test/bad.js', source: 'nope' as never })])).rejects.toThrow(InvalidRecordError);
    expect(await t.store.bindings.lookupMany([URL_A, URL_B], 'group')).toEqual(new Map());
    await t.store.bindings.putMany(good);
    await t.store.bindings.put(binding({ url: URL_A, source: 'observed' }));
    const found = await t.store.bindings.lookupMany([URL_A, URL_B, 'https://x.test/none.js'], 'group');
    expect([...found.keys()].sort()).toEqual([URL_A, URL_B].sort());
    expect(found.get(URL_A)?.source).toBe('group');
  });
});

describe('listFresh', () => {
  it('lists fresh bindings of one source that need no revalidation, newest first, bounded', async () => {
    t = await openTestStore();
    await t.store.bindings.put(binding({ url: URL_A, fetchedAt: T0 }));
    await t.store.bindings.put(binding({ url: URL_B, fetchedAt: T0 + 10 }));
    await t.store.bindings.put(binding({ url: 'https://x.test/stale.js', freshUntil: T0 - 1 }));
    await t.store.bindings.put(binding({ url: 'https://x.test/revalidate.js', mustRevalidate: true }));
    await t.store.bindings.put(binding({ url: 'https://x.test/group.js', source: 'group' }));
    expect((await t.store.bindings.listFresh('observed', T0, 10)).map((b) => b.url)).toEqual([URL_B, URL_A]);
    expect((await t.store.bindings.listFresh('observed', T0, 1)).map((b) => b.url)).toEqual([URL_B]);
    expect((await t.store.bindings.listFresh('group', T0, 10)).map((b) => b.url)).toEqual(['https://x.test/group.js']);
  });
});

describe('maintenance', () => {
  it('finds every URL bound to a hash', async () => {
    t = await openTestStore();
    await t.store.bindings.put(binding({ url: URL_A }));
    await t.store.bindings.put(binding({ url: URL_B, source: 'list', site: undefined }));
    await t.store.bindings.put(binding({ url: 'https://example.com/other.js', mh: 'other' }));

    const urls = (await t.store.bindings.forHash('EiDmh-jquery')).map((b) => b.url).sort();
    expect(urls).toEqual([URL_A, URL_B].sort());
  });

  it('deletes all sources of one URL and nothing else', async () => {
    t = await openTestStore();
    await t.store.bindings.put(binding({ source: 'observed' }));
    await t.store.bindings.put(binding({ source: 'list', site: undefined }));
    await t.store.bindings.put(binding({ url: URL_B }));

    expect(await t.store.bindings.deleteUrl(URL_A)).toBe(2);
    expect(await t.store.bindings.lookup(URL_A, T0)).toBeUndefined();
    expect(await t.store.bindings.lookup(URL_B, T0)).toBeDefined();
  });

  it('expires bindings stale for longer than the grace period', async () => {
    t = await openTestStore();
    await t.store.bindings.put(binding({ url: 'https://a.example/1.js', freshUntil: T0 }));
    await t.store.bindings.put(binding({ url: 'https://a.example/2.js', freshUntil: T0 + 2 * HOUR }));
    await t.store.bindings.put(binding({ url: 'https://a.example/3.js', freshUntil: T0 + 10 * HOUR }));

    expect(await t.store.bindings.expire(T0 + 3 * HOUR, 2 * HOUR)).toBe(1);
    expect(await t.store.bindings.lookup('https://a.example/1.js', T0)).toBeUndefined();
    expect(await t.store.bindings.lookup('https://a.example/2.js', T0)).toBeDefined();

    expect(await t.store.bindings.expire(T0 + 3 * HOUR)).toBe(1);
    expect(await t.store.bindings.lookup('https://a.example/3.js', T0)).toBeDefined();
  });

  it('refuses an invalid binding and writes nothing', async () => {
    t = await openTestStore();
    // An observation must say which site observed it.
    await expect(t.store.bindings.put(binding({ site: undefined }))).rejects.toBeInstanceOf(InvalidRecordError);
    await expect(t.store.bindings.put(binding({ freshUntil: Number.NaN }))).rejects.toBeInstanceOf(InvalidRecordError);
    expect(await t.store.db.bindings.count()).toBe(0);
  });
});

describe('CORS eligibility', () => {
  it('keeps whether the response allowed any origin, and refuses a non-boolean', async () => {
    t = await openTestStore();
    await t.store.bindings.put(binding({ corsAnyOrigin: true }));
    expect((await t.store.bindings.lookup(binding().url, t.clock.now()))?.binding.corsAnyOrigin).toBe(true);
    await expect(t.store.bindings.put(binding({ corsAnyOrigin: 'yes' as unknown as boolean }))).rejects.toThrow(InvalidRecordError);
  });
});

describe('what the origin sent with the URL (schema version 3)', () => {
  it('keeps the type, CORP and group holders of each binding, and refuses bad ones', async () => {
    t = await openTestStore();
    await t.store.bindings.put(binding({ type: 'image/png', corp: 'same-site' }));
    await t.store.bindings.put(binding({ source: 'group', site: undefined, holders: 3 }));
    expect((await t.store.bindings.lookupMany([URL_A], 'observed')).get(URL_A)).toMatchObject({ type: 'image/png', corp: 'same-site' });
    expect((await t.store.bindings.lookupMany([URL_A], 'group')).get(URL_A)).toMatchObject({ type: 'text/javascript', holders: 3 });
    // Observed and group bindings must say what type their URL was served with: a binding
    // without the origin's facts cannot be judged. The list's URLs take theirs from the path.
    await expect(t.store.bindings.put(binding({ type: undefined }))).rejects.toThrow(InvalidRecordError);
    await expect(t.store.bindings.put(binding({ source: 'group', type: undefined }))).rejects.toThrow(InvalidRecordError);
    await t.store.bindings.put(binding({ source: 'list', type: undefined }));
    await expect(t.store.bindings.put(binding({ corp: 'cross-origin' as unknown as 'same-site' }))).rejects.toThrow(InvalidRecordError);
    await expect(t.store.bindings.put(binding({ source: 'group', holders: 0 }))).rejects.toThrow(InvalidRecordError);
  });
});

describe('clearing', () => {
  it('removes every binding', async () => {
    t = await openTestStore();
    await t.store.bindings.put(binding());
    await t.store.bindings.clear();
    expect(await t.store.bindings.lookup(binding().url, t.clock.now())).toBeUndefined();
  });
});
