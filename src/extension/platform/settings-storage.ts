import { browser } from './browser.ts';

/** Key under which the user's own options live in `storage.local`. */
const USER_KEY = 'userSettings';

/** Where settings come from and how to hear that they changed. */
export interface SettingsStorage {
  /** The enterprise policy object, or undefined when no policy applies. */
  readManaged(): Promise<unknown>;
  readUser(): Promise<unknown>;
  writeUser(user: Record<string, unknown>): Promise<void>;
  /** Calls `listener` when policy or the user's options change (from any context). */
  onChange(listener: () => void): void;
}

/**
 * `storage.managed` rejects when the browser has no policy for the extension (Firefox:
 * "Managed storage manifest not found"); that is the normal case of an unmanaged browser,
 * not an error.
 */
async function readManaged(): Promise<unknown> {
  try {
    const all = await browser.storage.managed.get();
    return Object.keys(all).length > 0 ? all : undefined;
  } catch {
    return undefined;
  }
}

/** The extension's settings storage (managed policy + local user options). */
export const settingsStorage: SettingsStorage = {
  readManaged,
  async readUser() {
    const got = await browser.storage.local.get(USER_KEY);
    return got[USER_KEY];
  },
  async writeUser(user) {
    await browser.storage.local.set({ [USER_KEY]: user });
  },
  onChange(listener) {
    // A policy change arrives as a `managed` change without a browser restart (Chromium
    // re-reads policy files periodically and on chrome://policy "Reload policies").
    browser.storage.onChanged.addListener((changes, area) => {
      if (area === 'managed' || (area === 'local' && USER_KEY in changes)) listener();
    });
  },
};
