/** The extension's store on its own fake IndexedDB, with the real verification. */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { verifyMultihashKey } from '../../src/core/integrity/index.ts';
import { openStore, type OpenStoreOptions, type Store } from '../../src/store/index.ts';

/** Opens a store no other test shares; a 1 MB budget and no clock games unless `over` says. */
export function openMemoryStore(over: Partial<OpenStoreOptions> = {}): Promise<Store> {
  return openStore({
    indexedDB: new IDBFactory(),
    IDBKeyRange,
    verify: (bytes, key) => verifyMultihashKey(bytes, key),
    now: Date.now,
    maxCacheBytes: () => 1e6,
    onCorrupt: () => {},
    ...over,
  });
}
