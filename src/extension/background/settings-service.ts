import { applyUserChange, mergeSettings, sameEffectiveSettings, type MergedSettings } from '../../core/settings/index.ts';
import type { SettingsStorage } from '../platform/settings-storage.ts';

/** Result of a user's change: the new merged settings, or why it was refused. */
export type ChangeResult = { ok: true; settings: MergedSettings } | { ok: false; message: string };

/** The background's source of truth for the effective settings. */
export interface SettingsService {
  /** The merged settings, loaded on first use. */
  current(): Promise<MergedSettings>;
  /** Re-reads policy and user options (after a storage change). */
  reload(): Promise<MergedSettings>;
  /** Validates and stores one user change; locked and invalid values are refused. */
  set(name: string, value: unknown): Promise<ChangeResult>;
  /**
   * Calls `listener` with the first merged settings, then each time values or locks really change
   * (a reload that finds the same settings, e.g. the storage event of the service's own write,
   * tells nobody).
   */
  subscribe(listener: (settings: MergedSettings) => void): void;
}

/**
 * Creates the settings service over a storage. Reads and writes are serialised so that two
 * quick changes from the options page cannot overwrite each other.
 */
export function createSettingsService(init: { storage: SettingsStorage; log?: (line: string) => void }): SettingsService {
  const { storage, log = () => {} } = init;
  const listeners: ((s: MergedSettings) => void)[] = [];
  let chain: Promise<unknown> = Promise.resolve();
  let loaded: Promise<MergedSettings> | undefined;
  /** What subscribers were last told. */
  let announced: MergedSettings | undefined;

  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = chain.then(task, task);
    chain = run.catch(() => undefined);
    return run;
  };

  // Secrets an earlier version left in storage.local move once, before the first read or write,
  // inside the serial chain so that no change of the user can interleave with the copy. A
  // failure leaves them where they were, where readUser still finds them (secret-settings.ts).
  let migrated: Promise<void> | undefined;
  const migrate = (): Promise<void> =>
    (migrated ??= (storage.migrate?.() ?? Promise.resolve([])).then(
      (moved) => void (moved.length > 0 && log(`settings: ${moved.join(', ')} moved out of storage.local`)),
      (e: unknown) => log(`settings: secrets stay in storage.local for now: ${String(e)}`),
    ));

  const load = async (): Promise<MergedSettings> => {
    await migrate();
    const [policy, user] = await Promise.all([storage.readManaged(), storage.readUser()]);
    const merged = mergeSettings({ policy, user });
    for (const p of merged.problems) log(`settings: ${p.source} value for "${p.name}" ignored: ${p.message}`);
    if (!announced || !sameEffectiveSettings(announced, merged)) {
      announced = merged;
      for (const l of listeners) l(merged);
    }
    return merged;
  };

  const reload = (): Promise<MergedSettings> => {
    loaded = serial(load);
    return loaded;
  };

  return {
    current: () => loaded ?? reload(),
    reload,
    set: (name, value) =>
      serial(async () => {
        const before = await load();
        const change = applyUserChange(before, await storage.readUser(), name, value);
        if (!change.ok) return change;
        await storage.writeUser(change.user);
        const settings = await load();
        loaded = Promise.resolve(settings);
        return { ok: true as const, settings };
      }),
    subscribe: (listener) => {
      listeners.push(listener);
    },
  };
}
