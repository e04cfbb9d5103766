/**
 * Where PeerCache keeps its secrets (issue 10, item 5): the group key and the browser's LAN
 * identity seed. A tiny key-value database in the extension's own IndexedDB, apart from the
 * cache's Dexie database (its schema and upgrades stay untouched; nothing here needs Dexie, and
 * the options page and popup, which read the group key too, stay small).
 *
 * Why not `storage.local`: Firefox gives every content script all of it (measured in Firefox
 * ESR 153: `storage.local.get(null)` in a content script's world of a web page returned every
 * key; `setAccessLevel` does not exist there, bug 1724754), and a content script runs in the
 * process of whatever page it is in. The same content script's `indexedDB` is the page's own
 * (measured: a page origin's empty list, the extension's database names absent), so this store
 * is reached only by the extension's pages and background. Chromium keeps the same store: one
 * path for both browsers (its `storage.local` is closed to content scripts anyway).
 */

/** The secrets' key-value store. Values are structured-cloneable; absent keys read undefined. */
export interface SecretStore {
  get(name: string): Promise<unknown>;
  set(name: string, value: unknown): Promise<void>;
  delete(name: string): Promise<void>;
}

export const SECRET_DB_NAME = 'peercache-secrets';
const STORE = 'secrets';

const done = <T>(request: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });

/**
 * Opens the store on `factory` (default: the context's own `indexedDB`, looked up at first use;
 * fake-indexeddb in tests). The
 * database opens on first use and stays open; a failed open is tried again on the next use.
 */
export function openSecretStore(factory?: IDBFactory, name = SECRET_DB_NAME): SecretStore {
  let db: Promise<IDBDatabase> | undefined;
  const open = (): Promise<IDBDatabase> => {
    db ??= (async () => {
      const request = (factory ?? indexedDB).open(name, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      const opened = await done(request);
      // Another context deleting or upgrading the database must not wait on this connection.
      opened.onversionchange = () => {
        opened.close();
        db = undefined;
      };
      return opened;
    })().catch((e: unknown) => {
      db = undefined;
      throw e;
    });
    return db;
  };
  // A write resolves once its transaction committed (durable), not when the request succeeded.
  const write = async (change: (store: IDBObjectStore) => IDBRequest): Promise<void> => {
    const tx = (await open()).transaction(STORE, 'readwrite');
    change(tx.objectStore(STORE));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  };
  return {
    get: async (key) => done((await open()).transaction(STORE).objectStore(STORE).get(key)),
    set: (key, value) => write((s) => s.put(value, key)),
    delete: (key) => write((s) => s.delete(key)),
  };
}

let shared: SecretStore | undefined;
/** This context's store in the extension's own IndexedDB (one connection per context). */
export const extensionSecrets = (): SecretStore => (shared ??= openSecretStore());
