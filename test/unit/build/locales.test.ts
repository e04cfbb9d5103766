import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { languages, localeMessages } from '../../../scripts/build/locales.ts';

const LOCALES = join(import.meta.dirname, '..', '..', '..', 'extension', '_locales');
const placeholders = (m: { placeholders?: Record<string, unknown>; message: string }): string[] =>
  [...Object.keys(m.placeholders ?? {})].sort().concat([...m.message.matchAll(/\$([A-Z_]+)\$/g)].map((x) => x[1]!.toLowerCase()).sort());

describe('_locales', () => {
  const en = localeMessages(LOCALES, 'en');

  it('has English plus at least one more language', () => {
    expect(languages(LOCALES)).toContain('en');
    expect(languages(LOCALES).length).toBeGreaterThanOrEqual(2);
  });

  it('derives the English setting texts from the schema', () => {
    expect(en.setting_maxCacheMB_label?.message).toBe('Cache size');
    expect(en.setting_sharingMode_value_lan?.message).toBe('Local network only');
  });

  for (const lang of ['de']) {
    it(`${lang} translates every English message, with the same placeholders`, () => {
      const other = localeMessages(LOCALES, lang);
      expect(Object.keys(other).sort()).toEqual(Object.keys(en).sort());
      for (const [key, m] of Object.entries(en)) {
        expect(placeholders(other[key]!), key).toEqual(placeholders(m));
        expect(other[key]!.message.trim(), key).not.toBe('');
      }
    });
  }
});
