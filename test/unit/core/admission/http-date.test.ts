import { describe, expect, it } from 'vitest';
import { parseHttpDate } from '../../../../src/core/admission/http-date.ts';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const EXAMPLE = Date.UTC(1994, 10, 6, 8, 49, 37);

describe('parseHttpDate', () => {
  // The three examples of RFC 9110 §5.6.7.
  it.each([
    ['IMF-fixdate', 'Sun, 06 Nov 1994 08:49:37 GMT'],
    ['obsolete RFC 850', 'Sunday, 06-Nov-94 08:49:37 GMT'],
    ['asctime', 'Sun Nov  6 08:49:37 1994'],
  ])('reads the RFC 9110 %s example', (_label, value) => {
    expect(parseHttpDate(value, NOW)).toBe(EXAMPLE);
  });

  it('reads month names case-insensitively and trims the field value', () => {
    expect(parseHttpDate('  Wed, 15 JAN 2025 12:00:00 GMT ', NOW)).toBe(NOW);
  });

  it('puts RFC 850 two-digit years at most 50 years ahead of now (RFC 9110 §5.6.7)', () => {
    expect(parseHttpDate('Monday, 01-Jan-74 00:00:00 GMT', NOW)).toBe(Date.UTC(2074, 0, 1));
    expect(parseHttpDate('Monday, 01-Jan-76 00:00:00 GMT', NOW)).toBe(Date.UTC(1976, 0, 1));
  });

  it.each([
    ['"0" (the classic "already expired")', '0'],
    ['"-1"', '-1'],
    ['an ISO 8601 date', '2025-01-15T12:00:00Z'],
    ['a non-GMT zone', 'Wed, 15 Jan 2025 12:00:00 PST'],
    ['an unknown month', 'Wed, 15 Foo 2025 12:00:00 GMT'],
    ['31 February', 'Mon, 31 Feb 2025 12:00:00 GMT'],
    ['hour 24', 'Wed, 15 Jan 2025 24:00:00 GMT'],
    ['a one-digit day in IMF-fixdate', 'Wed, 5 Jan 2025 12:00:00 GMT'],
    ['the empty string', ''],
  ])('rejects %s', (_label, value) => {
    expect(parseHttpDate(value, NOW)).toBeUndefined();
  });
});
