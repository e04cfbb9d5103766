/**
 * HTTP-date (RFC 9110 §5.6.7): recipients MUST accept all three formats, IMF-fixdate,
 * the obsolete RFC 850 form and asctime. `Date.parse` is not used because what it
 * accepts is implementation-defined beyond ISO 8601.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

// Sun, 06 Nov 1994 08:49:37 GMT
const IMF_FIXDATE = /^[A-Za-z]{3}, (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
// Sunday, 06-Nov-94 08:49:37 GMT
const RFC850 = /^[A-Za-z]{6,9}, (\d{2})-([A-Za-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
// Sun Nov  6 08:49:37 1994
const ASCTIME = /^[A-Za-z]{3} ([A-Za-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/**
 * Parse an HTTP-date to epoch milliseconds, or undefined if it is not one (including
 * impossible dates such as 31 Feb). `now` resolves RFC 850 two-digit years: one that
 * "appears to be more than 50 years in the future" is taken as the most recent past year
 * with those digits (RFC 9110 §5.6.7).
 */
export function parseHttpDate(value: string, now: number): number | undefined {
  const text = value.trim();
  let m = IMF_FIXDATE.exec(text);
  if (m) return build(m[3]!, m[2]!, m[1]!, m[4]!, m[5]!, m[6]!);
  m = RFC850.exec(text);
  if (m) {
    const nowYear = new Date(now).getUTCFullYear();
    let year = Math.floor(nowYear / 100) * 100 + Number(m[3]);
    if (year > nowYear + 50) year -= 100;
    return build(String(year), m[2]!, m[1]!, m[4]!, m[5]!, m[6]!);
  }
  m = ASCTIME.exec(text);
  if (m) return build(m[6]!, m[1]!, m[2]!.trim(), m[3]!, m[4]!, m[5]!);
  return undefined;
}

function build(year: string, monthName: string, day: string, hour: string, minute: string, second: string): number | undefined {
  const month = MONTHS.indexOf(monthName.toLowerCase());
  const [y, d, h, min, s] = [year, day, hour, minute, second].map(Number) as [number, number, number, number, number];
  // second may be 60 (leap second) per the grammar's 2DIGIT; clamp rather than reject.
  if (month < 0 || d < 1 || h > 23 || min > 59 || s > 60) return undefined;
  const ms = Date.UTC(y, month, d, h, min, Math.min(s, 59));
  // Date.UTC rolls 31 Feb over into March; a real date survives the round trip.
  return new Date(ms).getUTCDate() === d ? ms : undefined;
}
