/**
 * A page must not be able to grow the store without bound (issue 10, item 2): every `?i=N`
 * variant of a URL it loads is a binding, every host it loads from a stats row. Caps keep the
 * hostile site's rows to its share, and what other sites' pages use stays servable.
 */
import { Dexie } from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createBindingRepository,
  MAX_BINDINGS_PER_SITE,
  MAX_SITES_PER_DAY,
  OTHER_SITES,
  PeerCacheDb,
  STALE_GRACE_MS,
  type Binding,
} from '../../../src/store/index.ts';
import { SCHEMA_HISTORY, applySchemaHistory } from '../../../src/store/schema.ts';
import { MAINTAIN_EVERY_MS, MAINTAIN_EVERY_WRITES } from '../../../src/store/maintenance.ts';
import { bytesOf, multihashKey, openTestStore, type TestStore } from './fixtures.ts';

let t: TestStore | undefined;
afterEach(() => t?.store.close());

const DAY = 86_400_000;
const YEAR = 365 * DAY;

function observed(url: string, site: string, fetchedAt: number, over: Partial<Binding> = {}): Binding {
  return { url, mh: 'mh-app', source: 'observed', site, fetchedAt, freshUntil: fetchedAt + YEAR, mustRevalidate: false, type: 'text/javascript', ...over };
}

describe('bindings: a site that loads app.js?i=1, ?i=2, ...', () => {
  it('keeps only its own newest rows beyond its share; another site\'s older bindings stay servable', async () => {
    t = await openTestStore();
    const now = t.clock.now();
    const victim = observed('https://cdn.victim.test/lib.js', 'victim.test', now - 30 * DAY, { mh: 'mh-lib' });
    await t.store.bindings.put(victim);
    // The per-site cap is exercised on its own repository, with a small share, to keep the test fast.
    const bindings = createBindingRepository({ db: t.store.db, onCorrupt: () => undefined, maxPerSite: 50 });
    for (let i = 0; i < 500; i++) await bindings.put(observed(`https://evil.test/app.js?i=${i}`, 'evil.test', now + i));

    const evilRows = await t.store.db.bindings.where('[site+fetchedAt]').between(['evil.test', 0], ['evil.test', Infinity]).toArray();
    expect(evilRows).toHaveLength(50);
    // The newest stay: the page's current variants still work.
    expect(evilRows.map((b) => b.url)).toContain('https://evil.test/app.js?i=499');
    expect(await bindings.lookup('https://evil.test/app.js?i=0', now)).toBeUndefined();
    expect(await t.store.bindings.lookup(victim.url, now)).toEqual({ binding: victim, needsRevalidation: false });
  });

  it('holds the real cap against a few hundred more than it', async () => {
    t = await openTestStore();
    const now = t.clock.now();
    const rows: Binding[] = Array.from({ length: MAX_BINDINGS_PER_SITE }, (_, i) => observed(`https://evil.test/app.js?i=${i}`, 'evil.test', now + i));
    await t.store.db.bindings.bulkPut(rows);
    for (let i = 0; i < 20; i++) await t.store.bindings.put(observed(`https://evil.test/app.js?i=x${i}`, 'evil.test', now + 10_000 + i));
    expect(await t.store.db.bindings.count()).toBe(MAX_BINDINGS_PER_SITE);
  });

  it('never counts the group\'s claims (no site) against a site', async () => {
    t = await openTestStore();
    const now = t.clock.now();
    const bindings = createBindingRepository({ db: t.store.db, onCorrupt: () => undefined, maxPerSite: 2 });
    await bindings.put({ url: 'https://cdn.test/g.js', mh: 'mh-g', source: 'group', fetchedAt: now - 1, freshUntil: now + DAY, mustRevalidate: false, type: 'text/javascript', holders: 3 });
    for (let i = 0; i < 5; i++) await bindings.put(observed(`https://evil.test/a.js?i=${i}`, 'evil.test', now + i));
    expect(await bindings.lookup('https://cdn.test/g.js', now)).toBeDefined();
    expect(await t.store.db.bindings.count()).toBe(3);
  });
});

describe('bindings: expiry and the total cap', () => {
  it('drops bindings stale past the grace period, keeps fresh ones and the stale ones still in grace; the blobs stay', async () => {
    t = await openTestStore();
    const now = t.clock.now();
    const bytes = bytesOf(1000, 1);
    const mh = await multihashKey(bytes);
    await t.store.blobs.put(mh, bytes, 'text/javascript');
    await t.store.db.bindings.bulkPut([
      observed('https://a.test/old.js', 'a.test', now - YEAR, { mh, freshUntil: now - STALE_GRACE_MS - 1 }),
      observed('https://a.test/recent.js', 'a.test', now - 2 * DAY, { mh, freshUntil: now - DAY }),
      observed('https://a.test/fresh.js', 'a.test', now - DAY, { mh }),
    ]);

    expect(await t.store.bindings.trim(now)).toEqual({ expired: 1, overCap: 0 });
    expect((await t.store.db.bindings.toArray()).map((b) => b.url).sort()).toEqual(['https://a.test/fresh.js', 'https://a.test/recent.js']);
    expect(await t.store.blobs.has(mh)).toBe(true);
  });

  it('past the total cap, deletes the oldest first', async () => {
    t = await openTestStore();
    const now = t.clock.now();
    await t.store.db.bindings.bulkPut(Array.from({ length: 30 }, (_, i) => observed(`https://s${i}.test/a.js`, `s${i}.test`, now - i * DAY)));
    expect(await t.store.bindings.trim(now, { maxRows: 20 })).toEqual({ expired: 0, overCap: 10 });
    const left = (await t.store.db.bindings.toArray()).map((b) => b.fetchedAt);
    expect(Math.min(...left)).toBe(now - 19 * DAY);
  });

  it('runs by itself after writes: a while after the last run, or after many writes', async () => {
    t = await openTestStore();
    const now = t.clock.now();
    await t.store.db.bindings.put(observed('https://a.test/old.js', 'a.test', now - YEAR, { freshUntil: now - YEAR }));
    // The first write after opening trims.
    await t.store.bindings.put(observed('https://a.test/new.js', 'a.test', now));
    expect(await t.store.bindings.lookup('https://a.test/old.js', now)).toBeUndefined();

    await t.store.db.bindings.put(observed('https://a.test/old2.js', 'a.test', now - YEAR, { freshUntil: now - YEAR }));
    await t.store.stats.add('a.test', { servedRequests: 1 });
    expect(await t.store.bindings.lookup('https://a.test/old2.js', now)).toBeDefined();
    t.clock.advance(MAINTAIN_EVERY_MS);
    await t.store.stats.add('a.test', { servedRequests: 1 });
    expect(await t.store.bindings.lookup('https://a.test/old2.js', now)).toBeUndefined();

    await t.store.db.bindings.put(observed('https://a.test/old3.js', 'a.test', now - YEAR, { freshUntil: now - YEAR }));
    await t.store.bindings.putMany(Array.from({ length: MAINTAIN_EVERY_WRITES }, (_, i) => observed(`https://b.test/${i}.js`, 'b.test', t!.clock.now())));
    expect(await t.store.bindings.lookup('https://a.test/old3.js', now)).toBeUndefined();
  });
});

describe('stats', () => {
  it('gives a day at most its share of site rows; the rest count as other sites and the total stays whole', async () => {
    t = await openTestStore();
    await t.store.stats.add('regular.test', { servedRequests: 1 });
    for (let i = 0; i < MAX_SITES_PER_DAY + 50; i++) await t.store.stats.add(`s${i}.evil.test`, { servedRequests: 1 });
    await t.store.stats.add('regular.test', { servedRequests: 1 });

    const { total, perSite } = await t.store.stats.summary();
    expect(Object.keys(perSite)).toHaveLength(MAX_SITES_PER_DAY + 1);
    expect(perSite[OTHER_SITES]?.servedRequests).toBe(51);
    expect(perSite['regular.test']?.servedRequests).toBe(2);
    expect(total.servedRequests).toBe(MAX_SITES_PER_DAY + 52);
  });

  it('keeps a site\'s rows 90 days and the total\'s 400', async () => {
    t = await openTestStore();
    const start = t.clock.now();
    await t.store.stats.add('a.test', { bytesSaved: 100 });
    t.clock.advance(91 * DAY);
    await t.store.stats.add('a.test', { bytesSaved: 5 });
    await t.store.maintain();
    expect((await t.store.stats.summary()).perSite['a.test']?.bytesSaved).toBe(5);
    expect((await t.store.stats.summary()).total.bytesSaved).toBe(105);

    t.clock.set(start + 401 * DAY);
    await t.store.maintain();
    expect((await t.store.stats.summary()).total.bytesSaved).toBe(5);
  });
});

it('upgrades a database of version 3: its bindings stay and count towards the cap', async () => {
  const factory = new IDBFactory();
  const v3 = new Dexie('peercache-test', { indexedDB: factory, IDBKeyRange });
  applySchemaHistory(v3, SCHEMA_HISTORY.filter((s) => s.version <= 3));
  const now = Date.UTC(2025, 0, 15, 12);
  await v3.table('bindings').bulkPut(Array.from({ length: 5 }, (_, i) => observed(`https://a.test/${i}.js`, 'a.test', now + i)));
  v3.close();
  const db = new PeerCacheDb('peercache-test', { indexedDB: factory, IDBKeyRange });
  await db.open();
  const bindings = createBindingRepository({ db, onCorrupt: () => undefined, maxPerSite: 3 });
  await bindings.put(observed('https://a.test/new.js', 'a.test', now + 10));
  expect((await db.bindings.toArray()).map((b) => b.url).sort()).toEqual(['https://a.test/3.js', 'https://a.test/4.js', 'https://a.test/new.js']);
  db.close();
});
