import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../../scripts/browsers/paths.ts';
import type { OriginServer } from '../../support/origin-server.ts';

/**
 * jQuery 3.7.1's slim build exactly as npm ships it, hence as jsDelivr and unpkg serve it: on
 * the public list but NOT in the packaged set (extension/pkg/), so these tests see it learned
 * from a first download and served from the cache. (jquery.min.js itself ships packaged and
 * never reaches an origin: first-visit.test.ts.)
 */
export const JQUERY = {
  bytes: readFileSync(join(ROOT, 'node_modules/jquery/dist/jquery.slim.min.js')),
  sri: 'sha384-5AkRS45j4ukf+JbWAfHL8P4onPA9p0KwwP7pUdjSQA3ss9edbJUJc/XcYAiheSSz',
  jsdelivr: { host: 'cdn.jsdelivr.net', path: '/npm/jquery@3.7.1/dist/jquery.slim.min.js' },
  unpkg: { host: 'unpkg.com', path: '/jquery@3.7.1/dist/jquery.slim.min.js' },
  /**
   * The same file from Microsoft's CDN (a list alias), answered here with `Vary: Origin`, as an
   * origin whose CORS rules vary the response answers (S3, CloudFront; what ajax.aspnetcdn.com
   * itself sends was not checked). A page's plain `<script>` sends no Origin, so Chromium's read
   * of the page's HTTP cache, a CORS fetch that sends one, would miss and download:
   * core/serving/page-cache.ts refuses it, and Chromium learns such a file from the LAN instead.
   */
  varyingCdn: { host: 'ajax.aspnetcdn.com', path: '/ajax/jQuery/jquery-3.7.1.slim.min.js' },
};
/** Site A's page that loads jQuery from {@link JQUERY.varyingCdn}; its title as jquery.html's. */
export const VARYING_CDN_PAGE = 'https://site-a.test/jquery-varying-cdn.html';
export const urlOf = (a: { host: string; path: string }): string => `https://${a.host}${a.path}`;

/** jQuery as a site hosts it itself: bytes the list knows, at a URL no list knows. */
export const SELF_HOSTED_JQUERY = { host: 'site-a.test', path: '/vendor/jquery-3.7.1.min.js' };

/**
 * A bank that hosts jQuery itself (issue 9, item 3): the bytes of a listed file at a URL no list
 * knows, with what a site's own server sends (no CORS header). Learned while visiting the bank,
 * it is the bank's private file: answering it to another site would tell that site where the
 * browser has been.
 */
export const BANK_JQUERY = { host: 'bank.test', path: '/js/jquery.min.js' };

/** A script no list knows: cacheable and shared by nobody but the sites of this test. */
export const WIDGET = {
  host: 'static.test',
  path: '/lib/widget-1.0.js',
  body: `window.widgetLoaded = (window.widgetLoaded || 0) + 1; /* ${'x'.repeat(2000)} */`,
};

/** A script at a URL too long for a DNR regex rule (Chromium serves it by an exact urlFilter). */
export const LONG_WIDGET = {
  host: 'static.test',
  path: `/assets/${'0123456789abcdef'.repeat(6)}/widget-long.js`,
  body: `window.longWidget = (window.longWidget || 0) + 1; /* ${'y'.repeat(2000)} */`,
};

/** What CDNs send for a versioned file: public, a year, immutable, any origin may read it. */
export const CDN_HEADERS = {
  'content-type': 'application/javascript; charset=utf-8',
  'cache-control': 'public, max-age=31536000, immutable',
  'access-control-allow-origin': '*',
};

/** What a site's own server typically sends for a fingerprinted file: public, long, no CORS header. */
const SELF_HOSTED_HEADERS = { 'content-type': 'text/javascript', 'cache-control': 'public, max-age=604800' };

const html = (body: string, headers: Record<string, string> = {}) => ({
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers },
  body: `<!doctype html><html><head><meta charset="utf-8"><title>loading</title></head><body>${body}</body></html>`,
});

/** Routes of the two-site scenario: site A and site B share files from the CDNs and static.test. */
export function routeSharedAssets(origin: OriginServer): void {
  origin.route(JQUERY.jsdelivr.host, JQUERY.jsdelivr.path, { headers: CDN_HEADERS, body: JQUERY.bytes });
  origin.route(JQUERY.unpkg.host, JQUERY.unpkg.path, { headers: CDN_HEADERS, body: JQUERY.bytes });
  origin.route(JQUERY.varyingCdn.host, JQUERY.varyingCdn.path, { headers: { ...CDN_HEADERS, vary: 'Origin' }, body: JQUERY.bytes });
  origin.route('site-a.test', new URL(VARYING_CDN_PAGE).pathname, html(`<script src="${urlOf(JQUERY.varyingCdn)}"></script><script>document.title = window.jQuery ? 'jquery ' + jQuery.fn.jquery.split(' ')[0] : 'no jquery'</script>`));
  origin.route(LONG_WIDGET.host, LONG_WIDGET.path, { headers: { ...CDN_HEADERS, 'cache-control': 'public, max-age=86400' }, body: LONG_WIDGET.body });
  for (const site of ['site-a.test', 'site-b.test', 'site-c.test']) {
    origin.route(site, '/long.html', html(`<script src="https://${LONG_WIDGET.host}${LONG_WIDGET.path}"></script><script>document.title = 'long ' + window.longWidget</script>`));
  }
  origin.route(WIDGET.host, WIDGET.path, { headers: { ...CDN_HEADERS, 'cache-control': 'public, max-age=86400' }, body: WIDGET.body });
  for (const site of ['site-a.test', 'site-b.test', 'site-c.test']) {
    origin.route(site, '/', html(`<h1>${site}</h1><script>document.title = 'ready'</script>`));
  }
  // Site A, and site C: Chromium downloads a listed file again to learn it only once a second
  // site loaded it (core/serving/learning-cost.ts), so a test that wants it learned visits both.
  for (const site of ['site-a.test', 'site-c.test']) {
    origin.route(site, '/jquery.html', html(`<script src="${urlOf(JQUERY.jsdelivr)}"></script><script>document.title = window.jQuery ? 'jquery ' + jQuery.fn.jquery.split(' ')[0] : 'no jquery'</script>`));
  }
  origin.route('site-b.test', '/jquery.html', html(
    `<script src="${urlOf(JQUERY.unpkg)}"></script><script>window.first = window.jQuery && jQuery.fn.jquery.split(' ')[0]; window.jQuery = undefined</script>` +
    `<script src="${urlOf(JQUERY.jsdelivr)}"></script><script>document.title = window.first && window.jQuery ? 'both ' + jQuery.fn.jquery.split(' ')[0] : 'missing'</script>`,
  ));
  origin.route(SELF_HOSTED_JQUERY.host, SELF_HOSTED_JQUERY.path, { headers: SELF_HOSTED_HEADERS, body: JQUERY.bytes });
  origin.route('site-a.test', '/self-hosted.html', html(`<script src="${SELF_HOSTED_JQUERY.path}"></script><script>document.title = window.jQuery ? 'jquery ' + jQuery.fn.jquery.split(' ')[0] : 'no jquery'</script>`));
  for (const site of ['site-a.test', 'site-c.test']) {
    origin.route(site, '/widget.html', html(`<script src="https://${WIDGET.host}${WIDGET.path}"></script><script>document.title = 'widget ' + window.widgetLoaded</script>`));
  }
  origin.route('site-b.test', '/widget.html', html(`<script src="https://${WIDGET.host}${WIDGET.path}"></script><script>document.title = 'widget ' + window.widgetLoaded</script>`));
  // A page that tries to learn whether this browser visited a site using the widget: it times
  // a reload of the file. PeerCache must not answer it from the shared cache.
  origin.route('site-c.test', '/probe.html', html(`<script>
    const t0 = performance.now();
    fetch('https://${WIDGET.host}${WIDGET.path}', { cache: 'reload', mode: 'no-cors' })
      .then(() => { document.title = 'probed ' + Math.round(performance.now() - t0) })
      .catch((e) => { document.title = 'probe failed ' + e });
  </script>`));
}

/**
 * Routes of the history-sniffing scenario: the bank's home page loads its own jQuery; site B
 * probes for that file, by a plain script load and by reading it with a CORS fetch (as
 * `cache: 'no-store'`, so neither probe can be answered by the browser's own HTTP cache: what
 * answers is the network or PeerCache).
 */
export function routeBank(origin: OriginServer): void {
  origin.route(BANK_JQUERY.host, BANK_JQUERY.path, { headers: SELF_HOSTED_HEADERS, body: JQUERY.bytes });
  // The version alone (a slim build appends the modules it leaves out).
  const version = `(window.jQuery ? jQuery.fn.jquery.split(' ')[0] : 'none')`;
  origin.route(BANK_JQUERY.host, '/', html(`<script src="${BANK_JQUERY.path}"></script><script>document.title = 'bank ' + ${version}</script>`));
  origin.route('site-b.test', '/script-bank.html', html(`<script src="${urlOf(BANK_JQUERY)}"></script><script>document.title = 'jquery ' + ${version}</script>`));
  origin.route('site-b.test', '/read-bank.html', html(`<script>
    fetch('${urlOf(BANK_JQUERY)}', { cache: 'no-store' }).then((r) => r.text())
      .then((t) => { document.title = 'read ' + t.length }, (e) => { document.title = 'refused ' + e.name + ': ' + e.message });
  </script>`));
}
