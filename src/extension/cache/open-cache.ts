import { verifyMultihashKey } from '../../core/integrity/index.ts';
import type { Settings } from '../../core/settings/index.ts';
import { openStore, type OpenStoreOptions } from '../../store/index.ts';
import type { CacheContext, HashListIndex } from './context.ts';

/**
 * Opens the store (the browser's IndexedDB, shared by every context of the extension) and the
 * public hash list, and returns the context the engines and the learner share. Every context
 * that writes the store opens it here, once, so each obeys the settings' budget (`maxCacheMB`).
 */
export async function openCache(deps: {
  settings: () => Settings;
  pausedSites: () => readonly string[];
  loadHashList: () => Promise<HashListIndex>;
  log: (line: string) => void;
  /** Another IndexedDB than the browser's (tests). */
  indexedDB?: Pick<OpenStoreOptions, 'indexedDB' | 'IDBKeyRange'>;
}): Promise<CacheContext> {
  const [store, hashList] = await Promise.all([
    openStore({
      ...deps.indexedDB,
      // Every read and write is checked against the multihash: bytes are never trusted.
      verify: (bytes, key) => verifyMultihashKey(bytes, key),
      now: Date.now,
      maxCacheBytes: () => deps.settings().maxCacheMB * 1024 * 1024,
      onCorrupt: (table, key, reason) => deps.log(`store: dropped ${table} record ${String(key)}: ${reason}`),
    }),
    deps.loadHashList().catch((e: unknown) => {
      // A broken list must not stop the cache: it only loses the list's bindings.
      deps.log(`hash list unavailable: ${String(e)}`);
      return { lookup: () => undefined, urlsFor: () => [], isListed: () => false, packagedFile: () => undefined } satisfies HashListIndex;
    }),
  ]);
  return { store, hashList, settings: deps.settings, pausedSites: deps.pausedSites, now: Date.now, log: deps.log };
}
