import { describe, expect, it } from 'vitest';
import { pageCacheVerdict, sameResponse, type PageCacheFacts } from '../../../../src/core/serving/page-cache.ts';

const CDN = { 'content-type': 'text/javascript', 'cache-control': 'public, max-age=31536000', 'access-control-allow-origin': '*', 'content-length': '87533' };
const plain: PageCacheFacts = { status: 200, responseHeaders: CDN, request: { credentialed: false, cors: false }, fromCache: false, inDocument: true };
const verdict = (over: Partial<PageCacheFacts>, headers: Record<string, string> = {}) =>
  pageCacheVerdict({ ...plain, ...over, responseHeaders: { ...CDN, ...headers } });

describe('reading a file from the page\'s own HTTP cache', () => {
  it('reads a public CDN file a plain <script> just downloaded without cookies', () => {
    expect(verdict({})).toEqual({ read: true });
    expect(verdict({}, { vary: 'Accept-Encoding' })).toEqual({ read: true });
  });

  it('never reads what a page with cookies or an Authorization header got, or a request it did not see', () => {
    expect(verdict({ request: { credentialed: true, cors: false } })).toEqual({ read: false, reason: 'credentialed' });
    expect(verdict({ request: undefined })).toEqual({ read: false, reason: 'request-unseen' });
  });

  it('needs the document that loaded it (not a page service worker\'s request) and a response from the network', () => {
    expect(verdict({ inDocument: false })).toEqual({ read: false, reason: 'no-document' });
    expect(verdict({ fromCache: true })).toEqual({ read: false, reason: 'from-cache' });
  });

  it('skips what the cache does not hold or a CORS read would be refused', () => {
    expect(verdict({ status: 206 })).toEqual({ read: false, reason: 'status' });
    expect(verdict({}, { 'cache-control': 'public, no-store' })).toEqual({ read: false, reason: 'no-store' });
    expect(pageCacheVerdict({ ...plain, responseHeaders: { ...CDN, 'access-control-allow-origin': undefined } })).toEqual({ read: false, reason: 'not-any-origin' });
    expect(verdict({}, { 'access-control-allow-origin': 'https://site-a.test' })).toEqual({ read: false, reason: 'not-any-origin' });
  });

  it("reads a site's own file without a CORS header: the document's own origin reads it", () => {
    const own = { ...CDN, 'access-control-allow-origin': undefined };
    expect(pageCacheVerdict({ ...plain, sameOrigin: true, responseHeaders: own })).toEqual({ read: true });
    expect(pageCacheVerdict({ ...plain, sameOrigin: true, responseHeaders: own, request: { credentialed: true, cors: false } })).toEqual({ read: false, reason: 'credentialed' });
  });

  it('reads a Vary: Origin response only when the page\'s request sent an Origin too', () => {
    expect(verdict({}, { vary: 'Origin' })).toEqual({ read: false, reason: 'vary' });
    expect(verdict({ request: { credentialed: false, cors: true } }, { vary: 'Accept-Encoding, Origin' })).toEqual({ read: true });
    expect(verdict({ request: { credentialed: false, cors: true } }, { vary: 'Accept' })).toEqual({ read: false, reason: 'vary' });
    expect(verdict({}, { vary: '*' })).toEqual({ read: false, reason: 'vary' });
  });

  it('takes a read for the page\'s response only when the headers both show agree', () => {
    const seen = [{ name: 'Content-Length', value: '87533' }, { name: 'ETag', value: '"v1"' }, { name: 'Last-Modified', value: 'Tue, 01 Jul 2025 00:00:00 GMT' }];
    expect(sameResponse(seen, { 'content-length': '87533', 'last-modified': 'Tue, 01 Jul 2025 00:00:00 GMT' })).toBe(true);
    expect(sameResponse(seen, { 'content-length': '87533', etag: '"v2"' })).toBe(false);
    expect(sameResponse(seen, { 'content-length': '90000' })).toBe(false);
  });
});
