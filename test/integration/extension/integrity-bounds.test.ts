/**
 * A page declaring hundreds of `integrity` attributes (issue 10, item 2): each one for a URL
 * PeerCache bound made the background read and hash a stored file twice. Now a file is hashed
 * once per report, and a host's pages get a share of checks per minute.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { computeDigest } from '../../../src/core/integrity/index.ts';
import { mergeSettings } from '../../../src/core/settings/index.ts';
import type { CacheContext, HashListIndex } from '../../../src/extension/cache/context.ts';
import { CHECKS_PER_HOST_PER_MINUTE } from '../../../src/extension/cache/integrity-budget.ts';
import { checkDeclaredIntegrity } from '../../../src/extension/cache/integrity-report.ts';
import type { Store } from '../../../src/store/index.ts';
import { keyOf } from '../../support/bytes.ts';
import { openMemoryStore } from '../../support/memory-store.ts';

let store: Store | undefined;
afterEach(() => {
  store?.close();
  vi.restoreAllMocks();
});

const T0 = 1_700_000_000_000;
const enc = (t: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(t);
const sri = async (alg: 'sha384' | 'sha512', b: Uint8Array): Promise<string> => `${alg}-${Buffer.from(await computeDigest(alg, b)).toString('base64')}`;

async function setup() {
  const clock = { now: T0 };
  store = await openMemoryStore({ now: () => clock.now });
  const noList: HashListIndex = { lookup: () => undefined, urlsFor: () => [], isListed: () => false, packagedFile: () => undefined };
  const settings = mergeSettings({}).values;
  const ctx: CacheContext = { store, hashList: noList, settings: () => settings, pausedSites: () => [], now: () => clock.now, log: () => undefined };
  /** Binds `count` URLs to the stored file `bytes` (sha384, as learning keys it). */
  const bind = async (bytes: Uint8Array<ArrayBuffer>, urls: string[]): Promise<void> => {
    const mh = await keyOf(bytes, 'sha384');
    await store!.blobs.put(mh, bytes, 'text/javascript');
    await store!.bindings.putMany(urls.map((url) => ({ url, mh, source: 'observed', site: 'evil.test', fetchedAt: T0, freshUntil: T0 + 86_400_000, mustRevalidate: false, type: 'text/javascript' })));
  };
  return { ctx, clock, bind };
}

it('hashes a stored file once per report, however many attributes name it', async () => {
  const { ctx, bind } = await setup();
  const lib = enc('window.lib = 1;');
  const urls = Array.from({ length: 500 }, (_, i) => `https://cdn.evil.test/lib.js?i=${i}`);
  await bind(lib, urls);
  const same384 = await sri('sha384', lib);
  const same512 = await sri('sha512', lib);

  const digest = vi.spyOn(globalThis.crypto.subtle, 'digest');
  expect(await checkDeclaredIntegrity(ctx, 'https://evil.test/', urls.map((url) => ({ url, integrity: same384 })))).toMatchObject({ confirmed: 500, dropped: 0 });
  // The store's verification only: the sha384 attribute is the key's own digest.
  expect(digest).toHaveBeenCalledTimes(1);

  digest.mockClear();
  expect(await checkDeclaredIntegrity(ctx, 'https://evil.test/', urls.map((url) => ({ url, integrity: same512 })))).toMatchObject({ confirmed: 500, dropped: 0 });
  expect(digest).toHaveBeenCalledTimes(2);
});

it('reads no more than the report cap of attributes', async () => {
  const { ctx, bind } = await setup();
  const lib = enc('window.lib = 2;');
  const urls = Array.from({ length: 600 }, (_, i) => `https://cdn.evil.test/lib.js?i=${i}`);
  await bind(lib, urls);
  const wrong = await sri('sha384', enc('something else'));
  // The attributes past the 500th are not read: their bindings stay.
  expect(await checkDeclaredIntegrity(ctx, 'https://evil.test/', urls.map((url) => ({ url, integrity: wrong })))).toMatchObject({ dropped: 500 });
  expect(await store!.bindings.lookup(urls[599]!, T0)).toBeDefined();
});

it('gives a host a share of checks per minute; other hosts keep theirs and nothing unchecked is lost', async () => {
  const { ctx, clock, bind } = await setup();
  const files = Array.from({ length: CHECKS_PER_HOST_PER_MINUTE + 50 }, (_, i) => enc(`window.f${i} = 1;`));
  const urls = files.map((_, i) => `https://cdn.evil.test/f${i}.js`);
  for (const [i, f] of files.entries()) await bind(f, [urls[i]!]);
  // Every attribute is wrong: each check the page gets drops a binding, which shows what was checked.
  const declared = urls.map((url) => ({ url, integrity: 'sha384-' + 'A'.repeat(64) }));

  expect(await checkDeclaredIntegrity(ctx, 'https://evil.test/', declared)).toEqual({ confirmed: 0, dropped: CHECKS_PER_HOST_PER_MINUTE });
  // The same page reloading within the minute has its share spent: no read, no hash.
  const digest = vi.spyOn(globalThis.crypto.subtle, 'digest');
  expect(await checkDeclaredIntegrity(ctx, 'https://evil.test/', declared)).toEqual({ confirmed: 0, dropped: 0 });
  expect(digest).not.toHaveBeenCalled();
  // The 50 it did not get to check are all still there.
  const left = urls.slice(CHECKS_PER_HOST_PER_MINUTE);
  for (const url of left) expect(await store!.bindings.lookup(url, T0)).toBeDefined();
  // Another site's page is still checked.
  expect(await checkDeclaredIntegrity(ctx, 'https://news.test/', [{ url: left[0]!, integrity: await sri('sha384', files[CHECKS_PER_HOST_PER_MINUTE]!) }])).toEqual({ confirmed: 1, dropped: 0 });
  // A minute later the page has a share again.
  clock.now += 60_000;
  expect(await checkDeclaredIntegrity(ctx, 'https://evil.test/', declared)).toEqual({ confirmed: 0, dropped: 50 });
});
