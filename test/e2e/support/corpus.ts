import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OriginServer } from '../../support/origin-server.ts';
import { CDN_HEADERS, JQUERY, urlOf } from './test-web.ts';
import { FILES, routeFirstVisitWeb } from './first-visit-web.ts';

/**
 * The "never break a page" corpus: each page exercises one way a served response could differ
 * from the network's (architecture.md, "Serving engines"). A page ends by setting
 * `document.title` to its visible outcome; tests compare titles and console errors with and
 * without PeerCache.
 */
export interface CorpusPage {
  readonly name: string;
  readonly url: string;
  /** Files it loads, which a warm-up page on another site loads first. */
  readonly assets: readonly string[];
  /**
   * Per browser, whether PeerCache answers the page's files without the origin (true) or the
   * origin still sees the request (false: left alone, or Firefox replacing the body).
   */
  readonly servedLocally: { readonly chromium: boolean; readonly firefox: boolean };
}

const STATIC = 'https://static.test';
const html = (body: string, headers: Record<string, string> = {}) => ({
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers },
  body: `<!doctype html><html><head><meta charset="utf-8"><title>loading</title></head><body>${body}</body></html>`,
});
const asset = (type: string, body: string | Uint8Array, extra: Record<string, string> = {}) => ({
  headers: { ...CDN_HEADERS, 'content-type': type, 'cache-control': 'public, max-age=86400', ...extra },
  body,
});
const JQ = urlOf(JQUERY.jsdelivr);
const JQ_UNPKG = urlOf(JQUERY.unpkg);
const showJquery = `<script>document.title = window.jQuery ? 'ok ' + jQuery.fn.jquery.split(' ')[0] : 'no jquery'</script>`;
const strictCsp = `default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://static.test; style-src 'self' https://static.test`;

let mutableVersion = 0;
/** The current version of the mutable script, as the origin serves it now. */
export const currentMutableVersion = (): number => mutableVersion;

export const CORPUS: readonly CorpusPage[] = [
  { name: 'SRI + crossorigin script', url: 'https://site-b.test/sri.html', assets: [JQ], servedLocally: { chromium: true, firefox: false } },
  { name: 'wrong SRI', url: 'https://site-b.test/wrong-sri.html', assets: [JQ_UNPKG], servedLocally: { chromium: true, firefox: false } },
  { name: 'CSS with relative url() and @import', url: 'https://site-b.test/css.html', assets: [`${STATIC}/css/main.css`], servedLocally: { chromium: false, firefox: false } },
  { name: 'ES module with relative imports', url: 'https://site-b.test/module.html', assets: [`${STATIC}/esm/main.js`, `${STATIC}/esm/dep.js`], servedLocally: { chromium: false, firefox: false } },
  { name: 'strict CSP without data:', url: 'https://csp-strict.test/page.html', assets: [JQ], servedLocally: { chromium: false, firefox: false } },
  { name: 'CSP allowing data:', url: 'https://csp-data.test/page.html', assets: [JQ], servedLocally: { chromium: true, firefox: true } },
  { name: 'asset over 2 MiB', url: 'https://site-b.test/big.html', assets: [`${STATIC}/big.js`], servedLocally: { chromium: false, firefox: false } },
  { name: 'page with its own service worker', url: 'https://site-b.test/sw.html', assets: [JQ], servedLocally: { chromium: false, firefox: false } },
  { name: 'first visit to a strict-CSP site', url: 'https://csp-first.test/page.html', assets: [JQ], servedLocally: { chromium: false, firefox: false } },
  // First visits answered by the packaged set (first-visit-web.ts): real files at real CDN URLs.
  { name: 'first visit: jQuery and Bootstrap 3 with its icon font', url: 'https://news.test/', assets: [FILES.jqueryCode.url, FILES.bootstrapCss.url, FILES.bootstrapJs.url], servedLocally: { chromium: true, firefox: true } },
  { name: 'first visit: header CSP, SRI, Font Awesome 4.7 and its font', url: 'https://shop.test/', assets: [FILES.jqueryGoogle.url, FILES.fontAwesome.url], servedLocally: { chromium: true, firefox: true } },
  { name: 'first visit: <meta> CSP, three CDNs', url: 'https://blog.test/', assets: [FILES.jqueryMicrosoft.url, FILES.jqueryCdnjs.url, FILES.jqueryJsdelivr.url], servedLocally: { chromium: true, firefox: true } },
  { name: 'first visit: wrong SRI on a packaged file', url: 'https://news.test/wrong-sri.html', assets: [FILES.jqueryCdnjs351.url], servedLocally: { chromium: true, firefox: true } },
  { name: 'first visit: CSP that does not name the CDN', url: 'https://blog.test/csp-blocks.html', assets: [], servedLocally: { chromium: true, firefox: true } },
];

/** Routes every corpus page and asset, and a warm-up page on sites A and C that loads all assets. */
export function routeCorpus(origin: OriginServer): void {
  routeFirstVisitWeb(origin);
  origin.route('site-b.test', '/sri.html', html(`<script src="${JQ}" integrity="${JQUERY.sri}" crossorigin="anonymous"></script>${showJquery}`));
  origin.route('site-b.test', '/wrong-sri.html', html(
    // Another URL of the same file than sri.html uses, so the browser's own HTTP cache of site B
    // cannot answer it and the test sees what PeerCache does.
    `<script src="${JQ_UNPKG}" integrity="sha384-${'A'.repeat(64)}" crossorigin="anonymous" onerror="document.title='blocked'"></script>`,
  ));
  origin.route('static.test', '/css/main.css', asset('text/css', `@import url("parts/colour.css");\nbody { background-image: url('../img/none.png'); }`));
  origin.route('static.test', '/css/parts/colour.css', asset('text/css', 'body { color: rgb(1, 2, 3); }'));
  origin.route('site-b.test', '/css.html', html(
    `<link rel="stylesheet" href="${STATIC}/css/main.css"><script>addEventListener('load', () => { document.title = getComputedStyle(document.body).color })</script>`,
  ));
  origin.route('static.test', '/esm/main.js', asset('text/javascript', `import { value } from './dep.js';\ndocument.title = 'module ' + value;`));
  origin.route('static.test', '/esm/dep.js', asset('text/javascript', `export const value = 42;`));
  origin.route('site-b.test', '/module.html', html(`<script type="module" src="${STATIC}/esm/main.js"></script>`));
  origin.route('csp-strict.test', '/page.html', html(`<script src="${JQ}"></script>${showJquery}`, { 'content-security-policy': strictCsp }));
  origin.route('csp-first.test', '/page.html', html(`<script src="${JQ}"></script>${showJquery}`, { 'content-security-policy': strictCsp }));
  const dataCsp = strictCsp.replace("script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://static.test;", "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://static.test data:;");
  origin.route('csp-strict.test', '/', html(`<script>document.title = 'ready'</script>`, { 'content-security-policy': strictCsp }));
  origin.route('csp-data.test', '/', html(`<script>document.title = 'ready'</script>`, { 'content-security-policy': dataCsp }));
  origin.route('csp-data.test', '/page.html', html(`<script src="${JQ}"></script>${showJquery}`, { 'content-security-policy': dataCsp }));
  origin.route('static.test', '/big.js', asset('text/javascript', `window.big = ${JSON.stringify('b'.repeat(2.5 * 1024 * 1024))}.length;`));
  origin.route('site-b.test', '/big.html', html(`<script src="${STATIC}/big.js"></script><script>document.title = 'big ' + window.big</script>`));
  // A page whose own service worker forwards every request (arrives as xmlhttprequest, tab -1,
  // which no rule answers: serving/dnr/rules.ts redirectResourceTypes).
  origin.route('site-b.test', '/sw.js', { headers: { 'content-type': 'text/javascript', 'cache-control': 'no-store' }, body: `self.addEventListener('install', () => self.skipWaiting()); self.addEventListener('activate', (e) => e.waitUntil(clients.claim())); self.addEventListener('fetch', (e) => e.respondWith(fetch(e.request)));` });
  origin.route('site-b.test', '/sw.html', html(`<script>
    if (!navigator.serviceWorker.controller) {
      navigator.serviceWorker.register('/sw.js').then(() => navigator.serviceWorker.ready).then(() => location.reload());
    } else {
      const s = document.createElement('script'); s.src = '${JQ}';
      s.onload = () => { document.title = 'sw ' + jQuery.fn.jquery.split(' ')[0] }; s.onerror = () => { document.title = 'sw failed' };
      document.body.append(s);
    }</script>`));
  // A mutable URL: revalidated every time, new bytes at every request.
  origin.route('static.test', '/mutable.js', (_req: IncomingMessage, res: ServerResponse) => {
    mutableVersion++;
    res.writeHead(200, { ...CDN_HEADERS, 'cache-control': 'no-cache', etag: `"v${mutableVersion}"` }).end(`window.mutable = ${mutableVersion};`);
  });
  origin.route('site-b.test', '/mutable.html', html(`<script src="${STATIC}/mutable.js"></script><script>document.title = 'mutable ' + window.mutable</script>`));
  origin.route('site-a.test', '/mutable.html', html(`<script src="${STATIC}/mutable.js"></script><script>document.title = 'mutable ' + window.mutable</script>`));
  // The packaged files need no warm-up: they are answered on a first visit.
  const all = [...new Set(CORPUS.filter((p) => !p.name.startsWith('first visit:')).flatMap((p) => p.assets))];
  const warm = html(
    all.map((u) => (u.endsWith('.css') ? `<link rel="stylesheet" href="${u}">` : u.includes('/esm/') ? `<script type="module" src="${u}"></script>` : `<script src="${u}"></script>`)).join('') +
      `<script>addEventListener('load', () => { document.title = 'warm' })</script>`,
  );
  // Two sites: Chromium downloads a file again to learn it once a second site loaded it.
  for (const site of ['site-a.test', 'site-c.test']) origin.route(site, '/warm.html', warm);
}
