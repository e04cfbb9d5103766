import { defaultSettings, settingDef, SETTING_NAMES, type SettingName, type Settings } from './schema.ts';
import { validateSetting } from './validate.ts';

/** Where a value came from. */
export type SettingSource = 'policy' | 'user' | 'default';

/** A value that was ignored, and why; shown to the user and the admin. */
export interface SettingProblem {
  readonly source: 'policy' | 'user';
  readonly name: string;
  readonly message: string;
}

/** The effective settings and how they came about. */
export interface MergedSettings {
  readonly values: Settings;
  /** Settings fixed by enterprise policy: shown locked, not editable. */
  readonly locked: readonly SettingName[];
  readonly sources: { readonly [K in SettingName]: SettingSource };
  readonly problems: readonly SettingProblem[];
}

function entries(raw: unknown, source: 'policy' | 'user', problems: SettingProblem[]): [string, unknown][] {
  if (raw === undefined || raw === null) return [];
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push({ source, name: '*', message: `expected an object of settings, got ${Array.isArray(raw) ? 'a list' : typeof raw}; all ignored` });
    return [];
  }
  return Object.entries(raw as Record<string, unknown>);
}

/**
 * Merges enterprise policy over user options over defaults. A bad value anywhere is reported
 * and skipped (the next source wins); it never throws and never yields an invalid setting.
 * A setting is locked only when policy gives it a VALID value: an admin's typo must not freeze
 * a setting at a value nobody chose.
 */
export function mergeSettings(input: { policy?: unknown; user?: unknown }): MergedSettings {
  const problems: SettingProblem[] = [];
  const values: Record<string, unknown> = { ...defaultSettings() };
  const sources = Object.fromEntries(SETTING_NAMES.map((n) => [n, 'default'])) as Record<SettingName, SettingSource>;
  const locked: SettingName[] = [];
  for (const source of ['user', 'policy'] as const) {
    for (const [name, raw] of entries(input[source], source, problems)) {
      if (!settingDef(name)) {
        problems.push({ source, name, message: 'unknown setting, ignored' });
        continue;
      }
      const checked = validateSetting(name, raw);
      if (!checked.ok) {
        problems.push({ source, name, message: checked.message });
        continue;
      }
      values[name] = checked.value;
      sources[name as SettingName] = source;
      if (source === 'policy') locked.push(name as SettingName);
    }
  }
  return { values: values as Settings, locked, sources, problems };
}

/** Refusal of a user change; the options page shows `message` next to the field. */
export type UserChange = { ok: true; user: Record<string, unknown> } | { ok: false; message: string };

/**
 * Applies one change from the user to their stored options, refusing locked settings (the UI
 * disables them, but a message can come from anywhere) and invalid values.
 */
export function applyUserChange(current: MergedSettings, storedUser: unknown, name: string, value: unknown): UserChange {
  if (!settingDef(name)) return { ok: false, message: `unknown setting "${name}"` };
  if ((current.locked as readonly string[]).includes(name)) return { ok: false, message: 'Set by your organisation; it cannot be changed here.' };
  const checked = validateSetting(name, value);
  if (!checked.ok) return { ok: false, message: checked.message };
  const base = storedUser && typeof storedUser === 'object' && !Array.isArray(storedUser) ? (storedUser as Record<string, unknown>) : {};
  return { ok: true, user: { ...base, [name]: checked.value } };
}

/**
 * Whether two merged settings act the same: every value equal and the same settings locked.
 * Sources and problems are left out: a user setting a value equal to the default, or a bad
 * policy value skipped again, changes what the UI explains, not what PeerCache does.
 */
export function sameEffectiveSettings(a: MergedSettings, b: MergedSettings): boolean {
  const sameValues = SETTING_NAMES.every((n) => JSON.stringify(a.values[n]) === JSON.stringify(b.values[n]));
  return sameValues && a.locked.length === b.locked.length && a.locked.every((n) => b.locked.includes(n));
}
