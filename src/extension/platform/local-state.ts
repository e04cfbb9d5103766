import { browser } from './browser.ts';

/**
 * Small JSON state of the background that must outlive it: `local` survives browser restarts,
 * `session` only the service worker's restarts (Chromium stops an idle worker after ~30 s).
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
