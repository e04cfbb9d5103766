// When Chromium learns a file by reading the page's own HTTP cache (src/core/serving/
// page-cache.ts) against http-cache-semantics as a private (browser) cache: a read the verdict
// allows must find an entry, so the browser's cache must have been allowed to store the
// response; otherwise the `force-cache` read reaches the origin, a second download.
import CachePolicy from 'http-cache-semantics';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pageCacheVerdict } from '../../src/core/serving/page-cache.ts';
import { checkProperty } from './support/runs.ts';

const directive = fc.constantFrom('public', 'private', 'no-store', 'No-Store', 'no-cache', 'max-age=0', 'max-age=600', 'immutable', 'x="a, no-store', 's-maxage=60');
const responseHeaders = fc
  .record(
    {
      'cache-control': fc.array(directive, { maxLength: 3 }).map((d) => d.join(', ')),
      vary: fc.constantFrom('Accept-Encoding', 'Origin', 'accept-encoding, origin', 'Cookie', '*'),
      'access-control-allow-origin': fc.constantFrom('*', 'https://site.example', ' * '),
      expires: fc.constantFrom('0', 'Thu, 01 Jan 2099 00:00:00 GMT'),
      pragma: fc.constant('no-cache'),
    },
    { requiredKeys: [] },
  )
  .map((h) => ({ 'content-type': 'text/javascript', ...h }));

describe('page-cache reads agree with http-cache-semantics', () => {
  it('reads only responses a browser cache may have stored', () =>
    checkProperty(
      fc.property(responseHeaders, fc.boolean(), fc.boolean(), (headers, cors, sameOrigin) => {
        const verdict = pageCacheVerdict({
          status: 200,
          responseHeaders: headers,
          request: { credentialed: false, cors },
          fromCache: false,
          inDocument: true,
          sameOrigin,
        });
        if (!verdict.read) return;
        const policy = new CachePolicy({ url: 'https://cdn.example/a.js', method: 'GET', headers: {} }, { status: 200, headers }, { shared: false });
        expect(policy.storable(), JSON.stringify(headers)).toBe(true);
        expect(headers.vary).not.toBe('*');
      }),
    ));
});
