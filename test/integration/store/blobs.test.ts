import { afterEach, describe, expect, it } from 'vitest';
import { AssetTooLargeError, IntegrityError } from '../../../src/store/index.ts';
import { HASHES, bytesOf, multihashKey, openTestStore, utf8, type HashName, type TestStore } from './fixtures.ts';

let t: TestStore | undefined;
afterEach(() => t?.store.close());

describe('blob round trip', () => {
  for (const hash of HASHES as readonly HashName[]) {
    it(`stores and returns verified bytes keyed by ${hash}`, async () => {
      t = await openTestStore();
      const bytes = utf8(`/*! jQuery v3.7.1 */ (${hash})`);
      const mh = await multihashKey(bytes, hash);

      await t.store.blobs.put(mh, bytes, 'text/javascript');

      expect(await t.store.blobs.has(mh)).toBe(true);
      expect(await t.store.blobs.get(mh)).toEqual({ bytes, type: 'text/javascript', size: bytes.byteLength });
      expect(t.corrupt).toEqual([]);
    });
  }

  it('counts each hit and moves it to the front of the list', async () => {
    t = await openTestStore();
    const a = bytesOf(10, 1);
    const b = bytesOf(10, 2);
    const [mhA, mhB] = [await multihashKey(a), await multihashKey(b)];
    await t.store.blobs.put(mhA, a, 'text/css');
    t.clock.advance(1000);
    await t.store.blobs.put(mhB, b, 'text/css');
    t.clock.advance(1000);
    await t.store.blobs.get(mhA);
    await t.store.blobs.get(mhA);

    const list = await t.store.blobs.list();
    expect(list.map((m) => [m.mh, m.useCount])).toEqual([[mhA, 2], [mhB, 0]]);
    expect(list[0]?.lastUsedAt).toBe(t.clock.now());
    expect((await t.store.blobs.list({ limit: 1 })).map((m) => m.mh)).toEqual([mhA]);
  });

  it('stores only the bytes of a view, not its whole underlying buffer', async () => {
    t = await openTestStore();
    const big = bytesOf(1000);
    const view = big.subarray(100, 110);
    const mh = await multihashKey(view.slice());

    await t.store.blobs.put(mh, view, 'font/woff2');

    const row = await t.store.db.blobBytes.get(mh);
    expect(row?.bytes.buffer.byteLength).toBe(10);
    expect(await t.store.blobs.totalBytes()).toBe(10);
  });
});

describe('refusals', () => {
  it('refuses bytes that do not match the key and stores nothing', async () => {
    t = await openTestStore();
    const mh = await multihashKey(utf8('the real library'));

    await expect(t.store.blobs.put(mh, utf8('an attacker payload'), 'text/javascript')).rejects.toBeInstanceOf(IntegrityError);

    expect(await t.store.blobs.has(mh)).toBe(false);
    expect(await t.store.db.blobMeta.count()).toBe(0);
    expect(await t.store.db.blobBytes.count()).toBe(0);
  });

  it('refuses an asset larger than the whole budget without evicting anything', async () => {
    t = await openTestStore();
    t.budget.bytes = 100;
    const small = bytesOf(50, 1);
    const mhSmall = await multihashKey(small);
    await t.store.blobs.put(mhSmall, small, 'text/css');
    const huge = bytesOf(101, 2);

    const err = await t.store.blobs.put(await multihashKey(huge), huge, 'image/png').catch((e: unknown) => e);

    expect(err).toBeInstanceOf(AssetTooLargeError);
    expect(err).toMatchObject({ size: 101, budget: 100 });
    expect(await t.store.blobs.has(mhSmall)).toBe(true);
    expect(await t.store.db.blobMeta.count()).toBe(1);
  });
});

describe('corruption at rest', () => {
  it('detects bytes changed on disk, removes that entry alone and reports it', async () => {
    t = await openTestStore();
    const a = bytesOf(64, 1);
    const b = bytesOf(64, 2);
    const [mhA, mhB] = [await multihashKey(a), await multihashKey(b)];
    await t.store.blobs.put(mhA, a, 'text/javascript');
    await t.store.blobs.put(mhB, b, 'text/javascript');
    const flipped = a.slice();
    flipped[0] = (flipped[0] ?? 0) ^ 0xff;
    await t.store.db.blobBytes.put({ mh: mhA, bytes: flipped });

    expect(await t.store.blobs.get(mhA)).toBeUndefined();

    expect(await t.store.db.blobMeta.get(mhA)).toBeUndefined();
    expect(await t.store.db.blobBytes.get(mhA)).toBeUndefined();
    expect(t.corrupt).toEqual([{ table: 'blobBytes', key: mhA, reason: expect.stringMatching(/multihash/) }]);
    expect((await t.store.blobs.get(mhB))?.bytes).toEqual(b);
  });
});

describe('LRU eviction', () => {
  it('keeps the total within budget by evicting the least recently used', async () => {
    t = await openTestStore();
    t.budget.bytes = 100;
    const [a, b, c, d] = [bytesOf(40, 1), bytesOf(40, 2), bytesOf(40, 3), bytesOf(90, 4)];
    const [mhA, mhB, mhC, mhD] = [await multihashKey(a), await multihashKey(b), await multihashKey(c), await multihashKey(d)];

    await t.store.blobs.put(mhA, a, 'text/css');
    t.clock.advance(1);
    await t.store.blobs.put(mhB, b, 'text/css');
    t.clock.advance(1);
    await t.store.blobs.get(mhA); // A is now used more recently than B
    t.clock.advance(1);

    expect(await t.store.blobs.put(mhC, c, 'text/css')).toEqual({ evicted: [mhB] });
    expect(await t.store.blobs.has(mhA)).toBe(true);
    expect(await t.store.blobs.has(mhB)).toBe(false);
    expect(await t.store.blobs.totalBytes()).toBe(80);

    t.clock.advance(1);
    expect(await t.store.blobs.put(mhD, d, 'image/png')).toEqual({ evicted: [mhA, mhC] });
    expect(await t.store.blobs.totalBytes()).toBe(90);
    expect((await t.store.blobs.get(mhD))?.bytes).toEqual(d);
  });

  it('never evicts the blob being written, even when it fills the whole budget', async () => {
    t = await openTestStore();
    t.budget.bytes = 100;
    const old = bytesOf(30, 1);
    const full = bytesOf(100, 2);
    const mhFull = await multihashKey(full);
    await t.store.blobs.put(await multihashKey(old), old, 'text/css');
    t.clock.advance(1);
    await t.store.blobs.put(mhFull, full, 'image/png');
    t.clock.advance(1);
    // Rewriting the same key must not count it twice nor evict it to make room for itself.
    expect(await t.store.blobs.put(mhFull, full, 'image/png')).toEqual({ evicted: [] });

    expect(await t.store.blobs.totalBytes()).toBe(100);
    expect(await t.store.blobs.has(mhFull)).toBe(true);
  });

  it('applies a lowered budget at the next write', async () => {
    t = await openTestStore();
    const keys: string[] = [];
    for (const x of [bytesOf(30, 1), bytesOf(30, 2), bytesOf(30, 3)]) {
      keys.push(await multihashKey(x));
      await t.store.blobs.put(await multihashKey(x), x, 'text/css');
      t.clock.advance(1);
    }
    t.budget.bytes = 50;
    const next = bytesOf(20, 4);

    const { evicted } = await t.store.blobs.put(await multihashKey(next), next, 'text/css');

    // 90 stored + 20 new must fit 50: the two oldest go, the newest old one stays.
    expect(evicted).toEqual([keys[0], keys[1]]);
    expect(await t.store.blobs.totalBytes()).toBe(50);
  });

  it('keeps the use count and creation time when the same blob is stored again', async () => {
    t = await openTestStore();
    const x = bytesOf(10);
    const mh = await multihashKey(x);
    await t.store.blobs.put(mh, x, 'text/css');
    const createdAt = t.clock.now();
    await t.store.blobs.get(mh);
    t.clock.advance(5000);

    await t.store.blobs.put(mh, x, 'text/css');

    expect(await t.store.db.blobMeta.get(mh)).toMatchObject({ createdAt, useCount: 1, lastUsedAt: t.clock.now() });
  });
});

describe('delete and clear', () => {
  it('delete removes one blob, clear removes all', async () => {
    t = await openTestStore();
    const [a, b] = [bytesOf(5, 1), bytesOf(5, 2)];
    const [mhA, mhB] = [await multihashKey(a), await multihashKey(b)];
    await t.store.blobs.put(mhA, a, 'text/css');
    await t.store.blobs.put(mhB, b, 'text/css');

    await t.store.blobs.delete(mhA);
    expect([await t.store.blobs.has(mhA), await t.store.blobs.has(mhB)]).toEqual([false, true]);
    expect(await t.store.db.blobBytes.get(mhA)).toBeUndefined();

    await t.store.blobs.clear();
    expect(await t.store.blobs.totalBytes()).toBe(0);
    expect(await t.store.db.blobBytes.count()).toBe(0);
  });
});

describe('reading without touching', () => {
  it('returns verified bytes but leaves the LRU order and use count alone', async () => {
    t = await openTestStore();
    const a = bytesOf(10, 1);
    const mh = await multihashKey(a);
    await t.store.blobs.put(mh, a, 'text/css');
    const before = await t.store.blobs.list();
    t.clock.advance(5000);
    expect((await t.store.blobs.get(mh, { touch: false }))?.bytes).toEqual(a);
    expect(await t.store.blobs.list()).toEqual(before);
  });
});

describe('uses counted without reading', () => {
  it('keeps a blob answered from memory from being evicted first, as that many reads would', async () => {
    t = await openTestStore();
    t.budget.bytes = 100;
    const [a, b, c] = [bytesOf(40, 1), bytesOf(40, 2), bytesOf(40, 3)];
    const [mhA, mhB, mhC] = [await multihashKey(a), await multihashKey(b), await multihashKey(c)];
    await t.store.blobs.put(mhA, a, 'text/css');
    t.clock.advance(1);
    await t.store.blobs.put(mhB, b, 'text/css');
    t.clock.advance(1);
    await t.store.blobs.touch(mhA, 3);
    await t.store.blobs.touch('not-stored', 1); // nothing to count, nothing written
    t.clock.advance(1);

    expect(await t.store.blobs.put(mhC, c, 'text/css')).toEqual({ evicted: [mhB] });
    expect((await t.store.blobs.list()).find((m) => m.mh === mhA)?.useCount).toBe(3);
    expect(await t.store.db.blobMeta.count()).toBe(2);
  });
});
