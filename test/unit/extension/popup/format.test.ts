import { describe, expect, it } from 'vitest';
import { describeSavings, formatBytes } from '../../../../src/extension/popup/format.ts';

describe('popup figures', () => {
  it.each([
    [0, '0 B'], [999, '999 B'], [1000, '1.0 kB'], [87_533, '87.5 kB'], [1_500_000, '1.5 MB'], [250_000_000, '250 MB'], [3e12, '3.0 TB'],
  ])('formats %d bytes as %s', (n, text) => expect(formatBytes(n)).toBe(text));

  it('says what was served, saved and what learning cost', () => {
    expect(describeSavings({ servedRequests: 2, bytesSaved: 175_066, learnBytes: 87_533 })).toBe(
      '2 files served from the cache, 175 kB not downloaded (learning cost 87.5 kB).',
    );
    expect(describeSavings({ servedRequests: 1, bytesSaved: 0, learnBytes: 0 })).toBe('1 file served from the cache, 0 B not downloaded.');
  });
});
