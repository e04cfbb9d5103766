import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MIN_FRESHNESS_MS,
  decideAdmission,
  type AdmissionRefusal,
  type ObservedResponse,
} from '../../../../src/core/admission/admission.ts';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const HTTP_NOW = new Date(NOW).toUTCString();
const YEAR_S = 31536000;
const LIMITS = { maxAssetBytes: 1_000_000 };

type Headers = Record<string, string | string[]>;

/** A typical long-cached CDN script, which is admitted. */
function observed(overrides: Partial<ObservedResponse> = {}, headers: Headers = {}): ObservedResponse {
  return {
    url: 'https://cdn.example/npm/lib@1.2.3/dist/lib.min.js',
    method: 'GET',
    status: 200,
    now: NOW,
    responseHeaders: {
      'content-type': 'application/javascript; charset=utf-8',
      'cache-control': `public, max-age=${YEAR_S}, immutable`,
      date: HTTP_NOW,
      etag: 'W/"5f3-abc"',
      'last-modified': 'Tue, 01 Oct 2024 10:00:00 GMT',
      vary: 'Accept-Encoding',
      'content-length': '1523',
      ...headers,
    },
    ...overrides,
  };
}

/** Replace the default response headers completely. */
function withOnly(headers: Headers, overrides: Partial<ObservedResponse> = {}): ObservedResponse {
  return { ...observed(overrides), responseHeaders: headers };
}

describe('decideAdmission: admitted', () => {
  it('admits a public, year-long, immutable CDN script with everything the store needs', () => {
    expect(decideAdmission(observed(), LIMITS)).toEqual({
      admit: true,
      freshUntil: NOW + YEAR_S * 1000,
      mustRevalidate: false,
      immutable: true,
      validators: { etag: 'W/"5f3-abc"', lastModified: 'Tue, 01 Oct 2024 10:00:00 GMT' },
      contentType: 'application/javascript; charset=utf-8',
      assetType: 'script',
      varyOnOrigin: false,
    });
  });

  it.each<[string, Headers, { assetType: string; freshUntil: number }]>([
    ['CSS with a day of max-age', { 'content-type': 'text/css', 'cache-control': 'max-age=86400' }, { assetType: 'style', freshUntil: NOW + 86400_000 }],
    ['a font via Expires only', { 'content-type': 'font/woff2', expires: new Date(NOW + 7 * 86400_000).toUTCString(), date: HTTP_NOW }, { assetType: 'font', freshUntil: NOW + 7 * 86400_000 }],
    ['an image at exactly the minimum lifetime', { 'content-type': 'image/png', 'cache-control': 'max-age=3600' }, { assetType: 'image', freshUntil: NOW + 3600_000 }],
    ['wasm with Age counted against the lifetime', { 'content-type': 'application/wasm', 'cache-control': 'max-age=86400', age: '86000' }, { assetType: 'wasm', freshUntil: NOW + 400_000 }],
    ['immutable below the minimum lifetime', { 'content-type': 'text/css', 'cache-control': 'max-age=60, immutable' }, { assetType: 'style', freshUntil: NOW + 60_000 }],
  ])('admits %s', (_label, headers, expected) => {
    expect(decideAdmission(withOnly(headers), LIMITS)).toMatchObject({ admit: true, ...expected });
  });

  it('reports Vary: Origin for the serving side', () => {
    expect(decideAdmission(observed({}, { vary: 'Origin, Accept-Encoding' }), LIMITS)).toMatchObject({
      admit: true,
      varyOnOrigin: true,
    });
  });

  it.each([
    ['must-revalidate', `max-age=${YEAR_S}, must-revalidate`],
    ['proxy-revalidate (we are shared with LAN peers)', `max-age=${YEAR_S}, proxy-revalidate`],
    ['s-maxage (implies proxy-revalidate for a shared cache)', `max-age=${YEAR_S}, s-maxage=${YEAR_S}`],
  ])('sets mustRevalidate for %s', (_label, cacheControl) => {
    expect(decideAdmission(observed({}, { 'cache-control': cacheControl }), LIMITS)).toMatchObject({
      admit: true,
      mustRevalidate: true,
    });
  });

  it('omits validators the response does not have', () => {
    const decision = decideAdmission(withOnly({ 'content-type': 'text/css', 'cache-control': 'max-age=86400' }), LIMITS);
    expect(decision).toMatchObject({ admit: true, validators: {} });
  });

  it('accepts response headers as webRequest {name, value} objects', () => {
    const decision = decideAdmission(
      { ...observed(), responseHeaders: [{ name: 'Content-Type', value: 'text/css' }, { name: 'Cache-Control', value: 'max-age=86400' }] },
      LIMITS,
    );
    expect(decision).toMatchObject({ admit: true, assetType: 'style' });
  });

  it('admits request headers that carry no credentials', () => {
    const decision = decideAdmission(
      observed({ requestHeaders: [['Accept', '*/*'], ['Referer', 'https://site.example/'], ['Cache-Control', 'no-cache']] }),
      LIMITS,
    );
    expect(decision.admit).toBe(true);
  });
});

describe('decideAdmission: refused', () => {
  it.each<[string, ObservedResponse, AdmissionRefusal]>([
    ['an unparsable URL', observed({ url: 'not a url' }), 'invalid-url'],
    ['plain http', observed({ url: 'http://cdn.example/lib.js' }), 'not-https'],
    ['a data: URL', observed({ url: 'data:text/javascript,1' }), 'not-https'],
    ['POST', observed({ method: 'POST' }), 'not-get'],
    ['HEAD', observed({ method: 'HEAD' }), 'not-get'],
    ['lowercase "get" (methods are case-sensitive)', observed({ method: 'get' }), 'not-get'],
    ['the credentialed flag', observed({ credentialed: true }), 'credentialed'],
    ['a Cookie request header', observed({ requestHeaders: { Cookie: 'sid=1' } }), 'credentialed'],
    ['an Authorization request header', observed({ requestHeaders: [['authorization', 'Bearer x']] }), 'credentialed'],
    ['credentials in the URL', observed({ url: 'https://user:pw@cdn.example/lib.js' }), 'credentialed'],
    ['206 Partial Content', observed({ status: 206 }), 'status'],
    ['304 Not Modified', observed({ status: 304 }), 'status'],
    ['203 Non-Authoritative', observed({ status: 203 }), 'status'],
    ['404', observed({ status: 404 }), 'status'],
    ['Set-Cookie', observed({}, { 'Set-Cookie': 'a=b' }), 'set-cookie'],
    ['Set-Cookie with an empty value', observed({}, { 'set-cookie': '' }), 'set-cookie'],
    ['no-store', observed({}, { 'cache-control': `public, max-age=${YEAR_S}, no-store` }), 'no-store'],
    ['no-store on a second field line', observed({}, { 'cache-control': [`max-age=${YEAR_S}`, 'NO-STORE'] }), 'no-store'],
    ['a request with Cache-Control: no-store', observed({ requestHeaders: { 'cache-control': 'no-store' } }), 'no-store'],
    ['private', observed({}, { 'cache-control': `private, max-age=${YEAR_S}` }), 'private'],
    ['qualified private', observed({}, { 'cache-control': `max-age=${YEAR_S}, private="x-user"` }), 'private'],
    ['malformed private', observed({}, { 'cache-control': `max-age=${YEAR_S}, private;` }), 'private'],
    ['no-cache', observed({}, { 'cache-control': `public, max-age=${YEAR_S}, no-cache` }), 'no-cache'],
    ['qualified no-cache', observed({}, { 'cache-control': `max-age=${YEAR_S}, no-cache="set-cookie"` }), 'no-cache'],
    ['Vary: *', observed({}, { vary: '*' }), 'vary'],
    ['Vary: User-Agent', observed({}, { vary: 'Accept-Encoding, User-Agent' }), 'vary'],
    ['Vary: Cookie', observed({}, { vary: 'Cookie' }), 'vary'],
    ['no Content-Type', withOnly({ 'cache-control': `max-age=${YEAR_S}` }), 'type'],
    ['HTML', observed({}, { 'content-type': 'text/html' }), 'type'],
    ['JSON', observed({}, { 'content-type': 'application/json' }), 'type'],
    ['SVG', observed({}, { 'content-type': 'image/svg+xml' }), 'type'],
    ['Content-Length over the limit', observed({}, { 'content-length': '1000001' }), 'too-large'],
    ['a compressed Content-Length over the limit', observed({}, { 'content-length': '1000001', 'content-encoding': 'br' }), 'too-large'],
    ['bodySize over the limit', observed({ bodySize: 1_000_001 }), 'too-large'],
    ['bodySize over the limit despite a small Content-Length', observed({ bodySize: 2_000_000 }, { 'content-length': '10' }), 'too-large'],
    ['no explicit freshness', observed({}, { 'cache-control': 'public' }), 'no-explicit-freshness'],
    ['immutable without explicit freshness (RFC 8246 §2)', observed({}, { 'cache-control': 'immutable' }), 'no-explicit-freshness'],
    ['a lifetime just under the default minimum', observed({}, { 'cache-control': 'max-age=3599' }), 'not-fresh-long-enough'],
    ['max-age=0', observed({}, { 'cache-control': 'max-age=0' }), 'not-fresh-long-enough'],
    ['max-age=abc', observed({}, { 'cache-control': 'max-age=abc' }), 'not-fresh-long-enough'],
    ['max-age=abc with a long Expires', observed({}, { 'cache-control': 'max-age=abc', expires: 'Thu, 01 Jan 2099 00:00:00 GMT' }), 'not-fresh-long-enough'],
    ['conflicting max-age values', observed({}, { 'cache-control': `max-age=${YEAR_S}, max-age=60` }), 'not-fresh-long-enough'],
    ['Expires: 0', withOnly({ 'content-type': 'text/css', expires: '0' }), 'not-fresh-long-enough'],
    ['a long s-maxage under a short max-age', observed({}, { 'cache-control': `max-age=60, s-maxage=${YEAR_S}` }), 'not-fresh-long-enough'],
    // Both found by test/fuzz/admission.test.ts against http-cache-semantics (issue 10, item 6).
    ['private after an unterminated quote', observed({}, { 'cache-control': `max-age=${YEAR_S}, x="a, private` }), 'private'],
    ['Pragma: no-cache, which Chromium reads as Cache-Control: no-cache', observed({}, { pragma: 'no-cache' }), 'no-cache'],
    ['s-maxage alone, which a browser cache ignores', withOnly({ 'content-type': 'text/css', 'cache-control': `public, s-maxage=${YEAR_S}` }), 'no-explicit-freshness'],
    ['already stale on arrival (Age >= max-age)', observed({}, { 'cache-control': 'max-age=86400', age: '86400' }), 'not-fresh-long-enough'],
    ['immutable but already stale', observed({}, { 'cache-control': 'max-age=60, immutable', age: '61' }), 'not-fresh-long-enough'],
  ])('refuses %s', (_label, response, reason) => {
    expect(decideAdmission(response, LIMITS)).toEqual({ admit: false, reason });
  });

  it('reports the first rule broken, in a stable order', () => {
    const everythingWrong = observed(
      { url: 'https://cdn.example/a', method: 'POST', status: 500, credentialed: true },
      { 'set-cookie': 'a=b', 'cache-control': 'private, no-store', 'content-type': 'text/html' },
    );
    expect(decideAdmission(everythingWrong, LIMITS)).toEqual({ admit: false, reason: 'not-get' });
    expect(decideAdmission({ ...everythingWrong, method: 'GET' }, LIMITS)).toEqual({ admit: false, reason: 'credentialed' });
  });
});

describe('decideAdmission: limits', () => {
  it('defaults the minimum lifetime to one hour', () => {
    expect(DEFAULT_MIN_FRESHNESS_MS).toBe(3_600_000);
  });

  it('honours a caller-chosen minimum lifetime', () => {
    const day = observed({}, { 'cache-control': 'max-age=86400' });
    expect(decideAdmission(day, { ...LIMITS, minFreshnessMs: 86_400_000 }).admit).toBe(true);
    expect(decideAdmission(day, { ...LIMITS, minFreshnessMs: 86_400_001 })).toEqual({
      admit: false,
      reason: 'not-fresh-long-enough',
    });
  });

  it('judges the declared lifetime, not the time left, against the minimum', () => {
    const nearlyStale = observed({}, { 'cache-control': `max-age=${YEAR_S}`, age: String(YEAR_S - 10) });
    expect(decideAdmission(nearlyStale, LIMITS)).toMatchObject({ admit: true, freshUntil: NOW + 10_000 });
  });

  it('admits at exactly maxAssetBytes and when the size is unknown or Content-Length unusable', () => {
    expect(decideAdmission(observed({ bodySize: 1_000_000 }), LIMITS).admit).toBe(true);
    expect(decideAdmission(observed({}, { 'content-length': '1000000' }), LIMITS).admit).toBe(true);
    expect(decideAdmission(withOnly({ 'content-type': 'text/css', 'cache-control': 'max-age=86400' }), LIMITS).admit).toBe(true);
    expect(decideAdmission(observed({}, { 'content-length': '5, 2000000' }), LIMITS).admit).toBe(true);
    expect(decideAdmission(observed({}, { 'content-length': '2000000, 2000000' }), LIMITS)).toEqual({
      admit: false,
      reason: 'too-large',
    });
  });
});
