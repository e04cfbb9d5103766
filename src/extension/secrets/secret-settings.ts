/**
 * The user's options with fields kept apart from `storage.local` (issue 10, item 5): the secret
 * store (secret-store.ts) holds the named fields (by default the secret ones, the group key; the
 * extension names every option, platform/settings-storage.ts), `storage.local` the rest and a
 * token changed whenever a kept field changes. Read back they are one object again, so the
 * settings keep one path: the background's settings service, the options page and the popup
 * read and write "the user's options" as before.
 */
import { SETTING_NAMES, settingDef } from '../../core/settings/index.ts';
import type { SecretStore } from './secret-store.ts';

/** The part of `storage.local` this needs (the browser's own calls, platform/local-state.ts). */
export interface LocalArea {
  get(keys: readonly string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: readonly string[]): Promise<void>;
}

/** Settings that are secrets: the group key admits whoever holds it into the group. */
export const SECRET_SETTINGS: readonly string[] = SETTING_NAMES.filter((n) => settingDef(n)?.kind === 'groupKey');

/** `storage.local` keys: the options without secrets, and a token changed with every secret. */
export const USER_KEY = 'userSettings';
export const SECRETS_CHANGED_KEY = 'userSecretsChanged';

/** A copy into the secret store read back other than written: the old value stays where it was. */
export class SecretMigrationError extends Error {
  constructor(name: string) {
    super(`${name}: the copy in the secret store reads back different; left in storage.local`);
    this.name = 'SecretMigrationError';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const without = (o: Record<string, unknown>, names: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !names.includes(k)));

/**
 * Copies `value` into the store unless it holds `name` already (then its value is newer: written
 * since by this version), and reads it back. Returns what the store holds; throws when that is
 * not what was written, so the caller keeps the old copy.
 */
export async function copyVerified(secrets: SecretStore, name: string, value: unknown): Promise<unknown> {
  const held = await secrets.get(name);
  if (held !== undefined) return held;
  await secrets.set(name, value);
  const back = await secrets.get(name);
  if (!same(back, value)) throw new SecretMigrationError(name);
  return back;
}

/**
 * The user's options over `storage.local` and the secret store: `readUser`/`writeUser` as
 * platform/settings-storage.ts's, and the one-time `migrate`. `names`: the fields kept in the
 * store (default the secret ones, {@link SECRET_SETTINGS}); `token`: the change marker (default
 * a random UUID).
 */
export function createUserSettingsStore(init: { local: LocalArea; secrets: SecretStore; names?: readonly string[]; token?: () => string }) {
  const { local, secrets, names = SECRET_SETTINGS } = init;
  const token = init.token ?? (() => crypto.randomUUID());
  const readSecrets = async (): Promise<unknown[]> => Promise.all(names.map((n) => secrets.get(n)));

  return {
    /**
     * The user's options, secrets included. A secret the store holds wins over a copy still in
     * `storage.local` (left by a version before the store, until `migrate` moves it).
     */
    async readUser(): Promise<unknown> {
      const [got, held] = await Promise.all([local.get([USER_KEY]), readSecrets()]);
      const user = got[USER_KEY];
      const found = names.flatMap((n, i) => (held[i] === undefined ? [] : [[n, held[i]] as const]));
      if (found.length === 0) return user;
      return { ...(isRecord(user) ? user : {}), ...Object.fromEntries(found) };
    },

    /**
     * Writes the options: secrets to the store first, then the rest to `storage.local`, whose
     * change event tells every open page and the background (a new token when a secret changed,
     * so a change of the group key alone is heard too).
     */
    async writeUser(user: Record<string, unknown>): Promise<void> {
      const held = await readSecrets();
      let changed = false;
      for (const [i, n] of names.entries()) {
        if (same(held[i], user[n])) continue;
        changed = true;
        await (n in user ? secrets.set(n, user[n]) : secrets.delete(n));
      }
      await local.set({ [USER_KEY]: without(user, names), ...(changed ? { [SECRETS_CHANGED_KEY]: token() } : {}) });
    },

    /**
     * Moves secrets a previous version left in `storage.local` into the store, and takes them out
     * of `storage.local` only after the store read them back. Run once by the background before it
     * reads or writes settings (settings-service.ts); any failure leaves `storage.local` as it was.
     */
    async migrate(): Promise<string[]> {
      const user = (await local.get([USER_KEY]))[USER_KEY];
      if (!isRecord(user)) return [];
      const moving = names.filter((n) => n in user);
      if (moving.length === 0) return [];
      for (const n of moving) await copyVerified(secrets, n, user[n]);
      await local.set({ [USER_KEY]: without(user, moving) });
      return moving;
    },
  };
}

/**
 * One secret value that a previous version kept under its own `storage.local` key (the LAN
 * identity seed, `peerIdentity`), as the slot peer-local-state.ts reads and writes. The first
 * read moves it into the store and removes the old key once the store holds it; if that fails,
 * the old value is still returned (and moved at the next start).
 */
export function movedSecret<T>(init: { local: LocalArea; secrets: SecretStore; name: string; log?: (line: string) => void }): {
  read(): Promise<T | undefined>;
  write(value: T): Promise<void>;
} {
  const { local, secrets, name } = init;
  return {
    async read() {
      const old = (await local.get([name]))[name];
      if (old === undefined) return (await secrets.get(name)) as T | undefined;
      let held: unknown;
      try {
        held = await copyVerified(secrets, name, old);
      } catch (e) {
        init.log?.(`${name} stays in storage.local for now: ${String(e)}`);
        return old as T;
      }
      await local.remove([name]).catch((e: unknown) => init.log?.(`${name}: removing the old copy from storage.local failed: ${String(e)}`));
      return held as T;
    },
    write: (value) => secrets.set(name, value),
  };
}
