import { describe, expect, it } from 'vitest';
import { networkRefusal, parseCorp, typeLoadsAs, type PageRequest, type ResponseAccess } from '../../../../src/core/serving/network-refusal.ts';

const BANK_JQ = 'https://bank.example/js/jquery.min.js';
const req = (over: Partial<PageRequest> = {}): PageRequest => ({ url: BANK_JQ, initiator: 'https://b.example/page', mode: 'no-cors', credentialed: false, ...over });
const SELF_HOSTED: ResponseAccess = { corsAnyOrigin: false };
const CDN: ResponseAccess = { corsAnyOrigin: true };

describe('networkRefusal', () => {
  it('refuses another site a CORS read of a response without Access-Control-Allow-Origin: * (a bank\'s own copy)', () => {
    expect(networkRefusal(SELF_HOSTED, req({ mode: 'cors' }))).toBe('cors-not-allowed');
    expect(networkRefusal(CDN, req({ mode: 'cors' }))).toBeUndefined();
  });

  it('refuses a credentialed CORS read against a wildcard', () => {
    expect(networkRefusal(CDN, req({ mode: 'cors', credentialed: true }))).toBe('cors-credentials');
  });

  it('lets a plain (no-cors) load through unless a restrictive CORP keeps the response home', () => {
    expect(networkRefusal(SELF_HOSTED, req())).toBeUndefined();
    expect(networkRefusal({ corsAnyOrigin: true, corp: 'same-origin' }, req())).toBe('corp');
    // Judged like same-origin: without a public suffix list, "same site" cannot be told.
    expect(networkRefusal({ corsAnyOrigin: false, corp: 'same-site' }, req({ initiator: 'https://www.bank.example/' }))).toBe('corp');
    // CORP applies to no-cors requests only; a CORS read is judged by CORS.
    expect(networkRefusal({ corsAnyOrigin: true, corp: 'same-origin' }, req({ mode: 'cors' }))).toBeUndefined();
  });

  it('refuses same-origin mode across origins, and modes PeerCache never answers', () => {
    expect(networkRefusal(CDN, req({ mode: 'same-origin' }))).toBe('same-origin-mode');
    expect(networkRefusal(CDN, req({ mode: 'navigate' }))).toBe('unknown-mode');
    expect(networkRefusal(CDN, req({ mode: '' }))).toBe('unknown-mode');
  });

  it('passes every same-origin request: no CORS or CORP check applies', () => {
    const home = req({ initiator: 'https://bank.example/account' });
    for (const mode of ['cors', 'no-cors', 'same-origin']) {
      expect(networkRefusal({ corsAnyOrigin: false, corp: 'same-origin' }, { ...home, mode, credentialed: true })).toBeUndefined();
    }
  });

  it('refuses what it cannot parse', () => {
    expect(networkRefusal(CDN, req({ initiator: '' }))).toBe('invalid-url');
    expect(networkRefusal(CDN, req({ url: 'not a url' }))).toBe('invalid-url');
    expect(networkRefusal(CDN, req({ initiator: 'data:text/html,x' }))).toBe('invalid-url');
  });
});

describe('parseCorp', () => {
  it.each<[string | undefined, string | undefined]>([
    [undefined, undefined],
    ['cross-origin', undefined],
    ['same-origin', 'same-origin'],
    [' Same-Site ', 'same-site'],
    // Malformed lists name a policy: keep to the stricter reading.
    ['same-site, same-origin', 'same-origin'],
    ['cross-origin, same-site', 'same-site'],
  ])('%j -> %j', (value, expected) => {
    expect(parseCorp(value)).toBe(expected);
  });
});

describe('typeLoadsAs', () => {
  it('loads a URL only as what its own type makes it', () => {
    expect(typeLoadsAs('text/javascript; charset=utf-8', 'script')).toBe(true);
    // A site serving listed bytes as image/png: for that URL they are an image.
    expect(typeLoadsAs('image/png', 'script')).toBe(false);
    expect(typeLoadsAs('image/png', 'image')).toBe(true);
    expect(typeLoadsAs('text/css', 'style')).toBe(true);
    expect(typeLoadsAs('font/woff2', 'font')).toBe(true);
    expect(typeLoadsAs('text/javascript', 'connect')).toBe(true);
    expect(typeLoadsAs('text/html', 'connect')).toBe(false);
  });
});
