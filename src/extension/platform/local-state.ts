import type { LocalArea } from '../secrets/secret-settings.ts';
import { browser } from './browser.ts';

/**
 * Small JSON state of the background that must outlive it: `local` survives browser restarts,
 * `session` only the service worker's restarts (Chromium stops an idle worker after ~30 s).
 * Nothing secret goes here: Firefox lets every content script read `storage.local`
 * (storage-access.ts); secrets live in secrets/secret-store.ts.
 */
export function jsonState<T>(area: 'local' | 'session', key: string): { read(): Promise<T | undefined>; write(value: T): Promise<void> } {
  const storage = area === 'local' ? browser.storage.local : browser.storage.session;
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
