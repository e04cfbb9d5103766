/**
 * The `_locales` of the build. English setting texts live in the settings schema (the one
 * source admins and the README read); the build turns them into `setting_<name>_label`,
 * `_help`, `_unit` and `_value_<v>` messages beside the hand-written ones. Other languages
 * are hand-written files with the same keys (a unit test keeps them complete).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS, SETTING_NAMES, type SettingDef } from '../../src/core/settings/index.ts';

export interface Message {
  message: string;
  description?: string;
  placeholders?: Record<string, { content: string }>;
}
export type Messages = Record<string, Message>;

/** Messages derived from the settings schema (English). */
export function schemaMessages(): Messages {
  const out: Messages = {};
  for (const name of SETTING_NAMES) {
    const def: SettingDef = SETTINGS[name];
    out[`setting_${name}_label`] = { message: def.label };
    out[`setting_${name}_help`] = { message: def.help };
    if (def.kind === 'integer') out[`setting_${name}_unit`] = { message: def.unit };
    if (def.kind === 'enum') def.values.forEach((v, i) => (out[`setting_${name}_value_${v}`] = { message: def.valueLabels[i] ?? v }));
  }
  return out;
}

/** The languages in extension/_locales. */
export function languages(localesDir: string): string[] {
  return readdirSync(localesDir).sort();
}

/** The complete messages of one language as the build writes them. */
export function localeMessages(localesDir: string, lang: string): Messages {
  const own = JSON.parse(readFileSync(join(localesDir, lang, 'messages.json'), 'utf8')) as Messages;
  return lang === 'en' ? { ...own, ...schemaMessages() } : own;
}
