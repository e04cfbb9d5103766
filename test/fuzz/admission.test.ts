// Admission (src/core/admission/: which responses may be stored, and for how long) against
// http-cache-semantics, a widely used implementation of RFC 9111's storage and freshness rules.
// PeerCache stands in for the browser's private cache and shares with LAN peers like a shared
// cache, so it must never store what either kind of cache would refuse, nor hold a response
// fresh longer than either would; and on plain, well-formed responses the two must agree.
import CachePolicy from 'http-cache-semantics';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideAdmission } from '../../src/core/admission/admission.ts';
import { checkProperty } from './support/runs.ts';

const NOW = Date.UTC(2026, 10, 29, 12, 0, 0);
const HOUR = 3600;
const httpDate = (offsetSeconds: number): string => new Date(NOW + offsetSeconds * 1000).toUTCString();

/** The reference's verdict at NOW, for a private (browser) or a shared cache. */
function reference(shared: boolean, req: CachePolicy.Request, res: CachePolicy.Response): { storable: boolean; freshMs: number; maxAge: number } {
  // now() is read in the constructor too, so the subclass pins the whole policy to NOW.
  const Pinned = class extends CachePolicy {
    now(): number {
      return NOW;
    }
  };
  // Our minimum lifetime is never waived by `immutable` beyond what the origin said, so the
  // reference's 24-hour floor for immutable responses is turned off.
  const policy = new Pinned(req, res, { shared, immutableMinTimeToLive: 0 });
  // maxAge() - age(), not timeToLive(): the latter adds stale-while-revalidate and stale-if-error.
  return { storable: policy.storable(), freshMs: Math.max(0, policy.maxAge() - policy.age()) * 1000, maxAge: policy.maxAge() };
}

const seconds = fc.constantFrom(0, 59, HOUR - 1, HOUR, HOUR + 1, 86_400, 31_536_000);
// Well-formed, lowercase, no duplicates: where the two implementations must agree.
const cleanCacheControl = fc
  .record(
    {
      public: fc.constant('public'),
      maxAge: seconds.map((s) => `max-age=${s}`),
      sMaxAge: seconds.map((s) => `s-maxage=${s}`),
      quoted: seconds.map((s) => `max-age="${s}"`),
      immutable: fc.constant('immutable'),
      mustRevalidate: fc.constant('must-revalidate'),
    },
    { requiredKeys: [] },
  )
  .filter((d) => !(d.maxAge && d.quoted))
  .map((d) => Object.values(d).join(', '));
// Anything a server might send, garbled included.
const messyCacheControl = fc
  .tuple(fc.constantFrom(', ', ',', ' , '), fc.array(
    fc.oneof(
      fc.constantFrom('public', 'private', 'no-store', 'no-cache', 'No-Store', 'PRIVATE', 'immutable', 'must-revalidate', 'proxy-revalidate', 'no-transform', 'private="set-cookie"'),
      fc.tuple(fc.constantFrom('max-age', 's-maxage', 'Max-Age', 'MAX-AGE', 'stale-while-revalidate'), fc.constantFrom('=', ' = ', '="'), fc.oneof(seconds, fc.constantFrom(-1, 1e12)), fc.constantFrom('', '"', 'x', ';')).map(
        ([n, eq, v, tail]) => `${n}${eq}${v}${tail}`,
      ),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 5 },
  ))
  .map(([separator, d]) => d.join(separator));

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
/** `arb` once in `1 + freq` cases, else absent: the headers that refuse outright stay rare. */
const rare = <T>(arb: fc.Arbitrary<T>, freq = 12): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: freq }, { arbitrary: arb, weight: 1 });
const defined = (o: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(o).filter((e): e is [string, string] => e[1] !== undefined));
/** `usual` nine times in ten, else one of `others`. */
const mostly = <T>(usual: T, ...others: T[]): fc.Arbitrary<T> => fc.oneof({ arbitrary: fc.constant(usual), weight: 9 }, { arbitrary: fc.constantFrom(...others), weight: 1 });
const messyResponse = fc.record({
  status: mostly(200, 203, 206, 301, 404),
  method: mostly('GET', 'HEAD', 'POST'),
  https: mostly(true, false),
  req: fc
    .record({
      authorization: rare(fc.constant('Bearer x')),
      cookie: rare(fc.constant('a=b')),
      'cache-control': rare(fc.constantFrom('no-store', 'no-cache', 'max-age=0')),
    })
    .map(defined),
  res: fc
    .record({
      'cache-control': optional(fc.oneof({ arbitrary: cleanCacheControl, weight: 2 }, { arbitrary: messyCacheControl, weight: 1 })),
      expires: optional(fc.oneof(fc.integer({ min: -86_400, max: 400 * 86_400 }).map(httpDate), fc.constantFrom('0', '-1', 'soon'))),
      date: optional(fc.oneof(fc.constant(httpDate(0)), fc.integer({ min: -86_400, max: 600 }).map(httpDate), fc.constant('garbage'))),
      age: rare(fc.oneof(fc.nat(100_000).map(String), fc.constantFrom('-5', 'old', '1, 2')), 3),
      vary: rare(fc.constantFrom('*', 'Accept-Encoding', 'Origin', 'Cookie', 'accept-encoding, user-agent'), 2),
      'set-cookie': rare(fc.constant('id=1')),
      pragma: rare(fc.constant('no-cache')),
      'content-type': mostly('text/javascript', 'text/css', 'text/html', 'font/woff2', 'application/json'),
    })
    .map(defined),
});

function decide(r: { status: number; method: string; https: boolean; req: Record<string, string>; res: Record<string, string> }) {
  const url = `${r.https ? 'https' : 'http'}://cdn.example/lib.js`;
  const ours = decideAdmission({ url, method: r.method, status: r.status, requestHeaders: r.req, responseHeaders: r.res, now: NOW }, { maxAssetBytes: 10 << 20 });
  const req = { url, method: r.method, headers: { host: 'cdn.example', ...r.req } };
  const res = { status: r.status, headers: r.res };
  return { ours, browser: reference(false, req, res), shared: reference(true, req, res) };
}

describe('admission agrees with http-cache-semantics', () => {
  it('stores only what a private and a shared cache may store, fresh no longer than either holds it', () =>
    checkProperty(
      fc.property(messyResponse, (r) => {
        const { ours, browser, shared } = decide(r);
        if (!ours.admit) return;
        expect(browser.storable && shared.storable).toBe(true);
        const oursMs = ours.freshUntil - NOW;
        expect(oursMs).toBeGreaterThan(0);
        // The reference reads directive names case-sensitively (RFC 9111 §5.2: they are not),
        // so with upper-case names it may see no lifetime where we see one.
        if (/[A-Z]/.test(r.res['cache-control'] ?? '')) return;
        expect(oursMs).toBeLessThanOrEqual(browser.freshMs + 1000);
        // The reference takes proxy-revalidate to mean "stale at once" in a shared cache; RFC
        // 9111 §5.2.2.8 only forbids serving it stale, which mustRevalidate records.
        if (!/proxy-revalidate/.test(r.res['cache-control'] ?? '')) expect(oursMs).toBeLessThanOrEqual(shared.freshMs + 1000);
      }),
      0.5, // two reference policies per case
    ));

  it('on plain well-formed responses, admits exactly the long-lived fresh ones, until the same time', () =>
    checkProperty(
      fc.property(
        cleanCacheControl,
        optional(fc.integer({ min: -86_400, max: 400 * 86_400 })),
        optional(fc.nat(100_000)),
        fc.boolean(),
        (cacheControl, expiresIn, age, withDate) => {
          const res: Record<string, string> = { 'content-type': 'text/javascript', 'cache-control': cacheControl };
          if (expiresIn !== undefined) res.expires = httpDate(expiresIn);
          if (age !== undefined) res.age = String(age);
          if (withDate) res.date = httpDate(0);
          const { ours, browser, shared } = decide({ status: 200, method: 'GET', https: true, req: {}, res });
          const explicit = /max-age|s-maxage/.test(cacheControl) || expiresIn !== undefined;
          const freshMs = Math.min(browser.freshMs, shared.freshMs);
          const lifetime = Math.min(browser.maxAge, shared.maxAge);
          const longLived = /immutable/.test(cacheControl) || lifetime >= HOUR;
          expect(ours.admit, JSON.stringify(res)).toBe(explicit && freshMs > 0 && longLived);
          if (ours.admit) expect(Math.abs(ours.freshUntil - (NOW + freshMs))).toBeLessThanOrEqual(1000);
        },
      ),
      0.5,
    ));
});
