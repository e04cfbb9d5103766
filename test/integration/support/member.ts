/**
 * A browser of the office as these tests need it: the product's peer service in Node, on its
 * own fake IndexedDB store, with the settings a member's policy gives; `observe` does what the
 * learner does after its page loaded a file (stores bytes and binding, then tells the LAN nodes).
 */
import type { HashList } from '../../../src/core/hash-list/index.ts';
import { mergeSettings } from '../../../src/core/settings/index.ts';
import type { CacheContext } from '../../../src/extension/cache/context.ts';
import { resolveServable } from '../../../src/extension/cache/resolver.ts';
import { createPeerService, type PeerService } from '../../../src/extension/peers/peer-service.ts';
import type { Store } from '../../../src/store/index.ts';
import { keyOf } from '../../support/bytes.ts';
import { openMemoryStore } from '../../support/memory-store.ts';

const DAY = 86_400_000;

export interface Member {
  readonly store: Store;
  readonly service: PeerService;
  /** The key the cache would answer `url` with for a page of another site, if any. */
  serves(url: string): Promise<string | undefined>;
  observe(url: string, bytes: Uint8Array, type?: string): Promise<string>;
  close(): Promise<void>;
}

/** Starts a member whose `lanNodes` are `nodes` (multiaddr strings), with `user` settings over them. */
export async function startMember(hashList: HashList, nodes: readonly string[], user: Record<string, unknown>): Promise<Member> {
  const store = await openMemoryStore({ maxCacheBytes: () => 1e8 });
  const settings = mergeSettings({ user: { lanNodes: [...nodes], ...user } }).values;
  const service = createPeerService({ store, hashList, log: () => {} });
  await service.apply(settings, false);
  const ctx: CacheContext = { store, hashList, settings: () => settings, pausedSites: () => [], now: Date.now, log: () => {} };
  return {
    store,
    service,
    serves: async (url) => (await resolveServable(ctx, url, 'https://site-b.test/'))?.key,
    async observe(url, bytes, type = 'text/javascript') {
      const mh = await keyOf(bytes);
      await store.blobs.put(mh, bytes, type);
      if (!hashList.lookup(url)) {
        await store.bindings.put({ url, mh, source: 'observed', site: 'site-a.test', fetchedAt: Date.now(), freshUntil: Date.now() + DAY, mustRevalidate: false, corsAnyOrigin: true, type });
      }
      service.learned();
      return mh;
    },
    async close() {
      await service.apply(mergeSettings({ user: { sharingMode: 'off' } }).values, false);
      store.close();
    },
  };
}

/** Polls `check` every 50 ms for at most `ms`. */
export async function within(ms: number, check: () => Promise<boolean> | boolean, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
