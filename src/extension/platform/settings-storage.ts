import { SETTING_NAMES } from '../../core/settings/index.ts';
import { extensionSecrets } from '../secrets/secret-store.ts';
import { createUserSettingsStore, SECRETS_CHANGED_KEY, USER_KEY } from '../secrets/secret-settings.ts';
import { browser } from './browser.ts';
import { jsonState, localArea } from './local-state.ts';

/** Where settings come from and how to hear that they changed. */
export interface SettingsStorage {
  /** The enterprise policy object, or undefined when no policy applies. */
  readManaged(): Promise<unknown>;
  /** The user's options, secret ones (the group key) included. */
  readUser(): Promise<unknown>;
  writeUser(user: Record<string, unknown>): Promise<void>;
  /**
   * Moves secrets an earlier version kept in `storage.local` to the secret store (issue 10,
   * item 5); returns the names moved. The background runs it once, before anything else.
   */
  migrate?(): Promise<string[]>;
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

// Every option lives in the extension's IndexedDB (secrets/secret-store.ts), out of content
// scripts' reach: Firefox gives them all of storage.local, which keeps only the change token.
const user = createUserSettingsStore({ local: localArea, secrets: extensionSecrets(), names: SETTING_NAMES });

/** The extension's settings storage (managed policy + the user's options). */
export const settingsStorage: SettingsStorage = {
  readManaged,
  readUser: user.readUser,
  writeUser: user.writeUser,
  migrate: user.migrate,
  onChange(listener) {
    // A policy change arrives as a `managed` change without a browser restart (Chromium
    // re-reads policy files periodically and on chrome://policy "Reload policies").
    browser.storage.onChanged.addListener((changes, area) => {
      if (area === 'managed' || (area === 'local' && (USER_KEY in changes || SECRETS_CHANGED_KEY in changes))) listener();
    });
  },
};

/**
 * The policy in force when the background last read it (core/settings/policy-in-force.ts), for
 * the options page and popup to show locks before the browser answers `storage.managed`
 * (options/settings-view.ts). Only shown, never obeyed: the background enforces the real policy.
 */
export const rememberedPolicy = jsonState<Record<string, unknown>>('local', 'rememberedPolicy');
