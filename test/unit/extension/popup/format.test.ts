import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { localeMessages } from '../../../../scripts/build/locales.ts';
import { describeSavings, formatBytes, type Translate } from '../../../../src/extension/popup/format.ts';

/** chrome.i18n.getMessage, as far as these tests need it: $1/$2 placeholders. */
function translator(lang: string): Translate {
  const messages = localeMessages(join(import.meta.dirname, '../../../../extension/_locales'), lang);
  return (key, subs) => {
    const m = messages[key]!;
    const args = subs === undefined ? [] : Array.isArray(subs) ? subs : [subs];
    return m.message.replace(/\$([A-Z_]+)\$/g, (_, name: string) => {
      const content = m.placeholders?.[name.toLowerCase()]?.content ?? '';
      return args[Number(content.slice(1)) - 1] ?? '';
    });
  };
}

describe('popup figures', () => {
  it.each([
    [0, '0 B'], [999, '999 B'], [1000, '1.0 kB'], [87_533, '87.5 kB'], [1_500_000, '1.5 MB'], [250_000_000, '250 MB'], [3e12, '3.0 TB'],
  ])('formats %d bytes as %s', (n, text) => expect(formatBytes(n)).toBe(text));

  it('says what was served, saved and what learning cost', () => {
    const en = translator('en');
    expect(describeSavings({ servedRequests: 2, bytesSaved: 175_066, learnBytes: 87_533, pageCacheBytes: 0, lanBytesIn: 0, lanBytesOut: 0 }, en)).toBe(
      '2 files served from the cache, 175 kB not downloaded. Learning cost 87.5 kB.',
    );
    expect(describeSavings({ servedRequests: 1, bytesSaved: 0, learnBytes: 0, pageCacheBytes: 0, lanBytesIn: 0, lanBytesOut: 0 }, en)).toBe('1 file served from the cache, 0 B not downloaded.');
  });

  it('speaks German too', () => {
    expect(describeSavings({ servedRequests: 3, bytesSaved: 2_000, learnBytes: 0, pageCacheBytes: 0, lanBytesIn: 0, lanBytesOut: 0 }, translator('de'))).toBe(
      '3 Dateien aus dem Cache geliefert, 2.0 kB nicht heruntergeladen.',
    );
  });
});
