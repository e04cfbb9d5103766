import { movedSecret, type LocalArea } from '../secrets/secret-settings.ts';
import { extensionSecrets } from '../secrets/secret-store.ts';
import { browser } from './browser.ts';

/**
 * Small JSON state of the extension that must outlive its contexts: `local` survives browser
 * restarts, `session` only the service worker's restarts (Chromium stops an idle worker after
 * ~30 s). `local` is kept in the extension's own IndexedDB (secrets/secret-store.ts), not in
 * `storage.local`, which Firefox gives every content script whole (storage-access.ts): the hosts
 * whose CSPs this browser saw are its history, and the pinned LAN nodes, paused sites and the
 * policy last seen are nobody else's business either. What an earlier version left in
 * `storage.local` moves at its first read (movedSecret), and is removed there once the store
 * holds it.
 */
export function jsonState<T>(area: 'local' | 'session', key: string): { read(): Promise<T | undefined>; write(value: T): Promise<void> } {
  if (area === 'local') return movedSecret<T>({ local: localArea, secrets: extensionSecrets(), name: key });
  const storage = browser.storage.session;
  return {
    async read() {
      const got = await storage.get(key);
      return got[key] as T | undefined;
    },
    async write(value) {
      await storage.set({ [key]: value });
    },
  };
}

/** `storage.local` itself, for the code that moves secrets out of it (secrets/secret-settings.ts). */
export const localArea: LocalArea = {
  get: (keys) => browser.storage.local.get([...keys]),
  set: (items) => browser.storage.local.set(items),
  remove: (keys) => browser.storage.local.remove([...keys]),
};
