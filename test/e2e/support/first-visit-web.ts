// Sites as a fresh profile meets them: library files at the URLs real pages use, on the CDNs
// real pages use (code.jquery.com, Google Hosted Libraries, cdnjs, BootstrapCDN, Microsoft's
// CDN, jsDelivr), with real npm bytes: the packaged copies in extension/pkg/ are exactly the npm
// files, and the public list's evidence says each CDN serves those bytes.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../../scripts/browsers/paths.ts';
import type { OriginServer } from '../../support/origin-server.ts';

/** A file a CDN serves, and where its npm bytes are packaged. */
export interface CdnFile {
  readonly url: string;
  readonly packaged: string;
  readonly contentType: string;
}

const file = (url: string, packaged: string, contentType: string): CdnFile => ({ url, packaged, contentType });
const JS = 'application/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

export const FILES = {
  jqueryCode: file('https://code.jquery.com/jquery-3.4.1.min.js', 'jquery@3.4.1/dist/jquery.min.js', JS),
  // jQuery 1.x: Chromium ships it packaged; Firefox's build cannot (scripts/build/packaged.ts).
  jquery1: file('https://code.jquery.com/jquery-1.12.4.min.js', 'jquery@1.12.4/dist/jquery.min.js', JS),
  bootstrapCss: file('https://maxcdn.bootstrapcdn.com/bootstrap/3.3.7/css/bootstrap.min.css', 'bootstrap@3.3.7/dist/css/bootstrap.min.css', CSS),
  bootstrapJs: file('https://maxcdn.bootstrapcdn.com/bootstrap/3.3.7/js/bootstrap.min.js', 'bootstrap@3.3.7/dist/js/bootstrap.min.js', JS),
  // Where Bootstrap's stylesheet loads its icon font from, had it come from the CDN.
  glyphicons: file('https://maxcdn.bootstrapcdn.com/bootstrap/3.3.7/fonts/glyphicons-halflings-regular.woff2', 'bootstrap@3.3.7/dist/fonts/glyphicons-halflings-regular.woff2', 'font/woff2'),
  jqueryGoogle: file('https://ajax.googleapis.com/ajax/libs/jquery/3.7.1/jquery.min.js', 'jquery@3.7.1/dist/jquery.min.js', JS),
  fontAwesome: file('https://cdnjs.cloudflare.com/ajax/libs/font-awesome/4.7.0/css/font-awesome.min.css', 'font-awesome@4.7.0/css/font-awesome.min.css', CSS),
  fontAwesomeFont: file('https://cdnjs.cloudflare.com/ajax/libs/font-awesome/4.7.0/fonts/fontawesome-webfont.woff2', 'font-awesome@4.7.0/fonts/fontawesome-webfont.woff2', 'font/woff2'),
  jqueryCdnjs: file('https://cdnjs.cloudflare.com/ajax/libs/jquery/3.6.0/jquery.min.js', 'jquery@3.6.0/dist/jquery.min.js', JS),
  jqueryMicrosoft: file('https://ajax.aspnetcdn.com/ajax/jQuery/jquery-3.5.1.min.js', 'jquery@3.5.1/dist/jquery.min.js', JS),
  jqueryJsdelivr: file('https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js', 'jquery@3.7.1/dist/jquery.min.js', JS),
  jqueryCdnjs351: file('https://cdnjs.cloudflare.com/ajax/libs/jquery/3.5.1/jquery.min.js', 'jquery@3.5.1/dist/jquery.min.js', JS),
} as const;

export const bytesOf = (f: CdnFile): Buffer => readFileSync(join(ROOT, 'extension', 'pkg', f.packaged));
export const sriOf = (f: CdnFile): string => `sha384-${createHash('sha384').update(bytesOf(f)).digest('base64')}`;

const CDN_HEADERS = { 'cache-control': 'public, max-age=31536000, immutable', 'access-control-allow-origin': '*' };

const page = (body: string, headers: Record<string, string> = {}, head = '') => ({
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers },
  body: `<!doctype html><html><head><meta charset="utf-8">${head}<title>loading</title></head><body>${body}</body></html>`,
});

// After load, names what rendered: scripts ran, a stylesheet's rule applied, and its icon font
// loaded (`fontLoaded`: the face its @font-face names was fetched and decoded, or why not).
const report = (label: string, checks: string): string =>
  `<script>const fontLoaded = (f) => document.fonts.load(f).then((faces) => faces.length > 0 ? faces[0].status : 'no face', (e) => 'error ' + e);` +
  `window.addEventListener('load', async () => { document.title = ${JSON.stringify(label)} + ' ' + (await Promise.all(${checks})).join(' '); });</script>`;

/** The pages of three unrelated sites, with header and `<meta>` CSPs, with and without SRI. */
export function routeFirstVisitWeb(origin: OriginServer): void {
  for (const f of Object.values(FILES)) origin.route(new URL(f.url).host, new URL(f.url).pathname, { headers: { ...CDN_HEADERS, 'content-type': f.contentType }, body: bytesOf(f) });

  // A news site: jQuery and Bootstrap 3 from their own CDNs, no SRI, no CSP.
  origin.route('news.test', '/', page(
    `<span class="glyphicon glyphicon-star" id="icon"></span><div class="hidden" id="h">x</div>` +
      `<link rel="stylesheet" href="${FILES.bootstrapCss.url}"><script src="${FILES.jqueryCode.url}"></script><script src="${FILES.bootstrapJs.url}"></script>` +
      report('news', `[jQuery.fn.jquery, typeof jQuery.fn.modal, getComputedStyle(h).display, fontLoaded('14px "Glyphicons Halflings"')]`),
  ));

  // A shop with a strict header CSP naming its CDNs, SRI + crossorigin, and Font Awesome 4.7.
  const shopCsp = "default-src 'self'; script-src 'self' 'unsafe-inline' https://ajax.googleapis.com; style-src 'self' https://cdnjs.cloudflare.com; font-src https://cdnjs.cloudflare.com";
  origin.route('shop.test', '/', page(
    `<i class="fa fa-check" id="icon"></i>` +
      `<link rel="stylesheet" href="${FILES.fontAwesome.url}" integrity="${sriOf(FILES.fontAwesome)}" crossorigin="anonymous">` +
      `<script src="${FILES.jqueryGoogle.url}" integrity="${sriOf(FILES.jqueryGoogle)}" crossorigin="anonymous"></script>` +
      report('shop', `[jQuery.fn.jquery, fontLoaded('14px FontAwesome'), getComputedStyle(icon).fontFamily]`),
    { 'content-security-policy': shopCsp },
  ));

  // A blog with a <meta> CSP: jQuery from cdnjs with SRI, Microsoft's CDN and jsDelivr without.
  const blogCsp = "script-src 'self' 'unsafe-inline' https://cdnjs.cloudflare.com https://ajax.aspnetcdn.com https://cdn.jsdelivr.net";
  origin.route('blog.test', '/', page(
    `<script src="${FILES.jqueryMicrosoft.url}"></script><script>window.v2 = jQuery.fn.jquery; jQuery.noConflict(true)</script>` +
      `<script src="${FILES.jqueryCdnjs.url}" integrity="${sriOf(FILES.jqueryCdnjs)}" crossorigin="anonymous"></script><script>window.v3 = jQuery.fn.jquery; jQuery.noConflict(true)</script>` +
      `<script src="${FILES.jqueryJsdelivr.url}"></script>` +
      report('blog', `[v2, v3, jQuery.fn.jquery]`),
    {},
    `<meta http-equiv="Content-Security-Policy" content="${blogCsp}">`,
  ));

  // The network's verdicts stand: a wrong integrity is refused, a CSP without the CDN blocks it.
  origin.route('news.test', '/wrong-sri.html', page(
    `<script src="${FILES.jqueryCdnjs351.url}" integrity="${sriOf(FILES.jqueryCdnjs)}" crossorigin="anonymous" onerror="document.title = 'refused'" onload="document.title = 'ran'"></script>`,
  ));
  origin.route('news.test', '/old.html', page(`<script src="${FILES.jquery1.url}"></script>` + report('old', '[jQuery.fn.jquery]')));
  origin.route('blog.test', '/csp-blocks.html', page(
    `<script src="${FILES.jquery1.url}" onerror="document.title = 'blocked'" onload="document.title = 'ran'"></script>`,
    { 'content-security-policy': "script-src 'self' 'unsafe-inline'" },
  ));
}
