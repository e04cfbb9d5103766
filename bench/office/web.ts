// The office's synthetic web (issue 12, item 3b): M sites that share files, from a seed. Each
// site has pages; each page loads the site's own bundle and stylesheet, its images, web fonts,
// shared libraries (REAL files, library-pool.ts) at CDN URLs and third-party widgets that no
// list knows. Sizes follow the issue: fonts 20-100 KB, bundles 50-500 KB, images 10-300 KB.
// Exported as a description (per site: its pages and the files they load, with url, headers and
// bytes) so the same web can be served from the test origin (test/support/origin-server.ts) for
// a real-browser variant: `origin.route(host, path, { headers, body: file.bytes() })` per file,
// and `pageHtml(page)` per page.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CDN_HOSTS, libraryPool, type Library } from './library-pool.ts';
import { intIn, logUniform, pick, pickDistinct, randomBytes, seeded, seedOf, zipfWeights, type Random } from './prng.ts';

export type Destination = 'script' | 'style' | 'font' | 'image';
/** What a file is, for reports: shared libraries, their fonts, fonts, a site's own files, widgets. */
export type FileKind = 'library' | 'library-font' | 'font' | 'bundle' | 'stylesheet' | 'image' | 'widget';

export interface WebFile {
  readonly url: string;
  readonly kind: FileKind;
  readonly size: number;
  /** What the origin sends with it (content-length included). */
  readonly headers: Readonly<Record<string, string>>;
  /** Its bytes: read from disk (libraries) or generated from the seed (everything else). */
  bytes(): Uint8Array;
  /** The sha384 of its bytes (base64), so equal bytes at two URLs count once in the minimum. */
  digest(): string;
}

/** One subresource request of a page. */
export interface PageRequest {
  readonly url: string;
  readonly destination: Destination;
  /** `Sec-Fetch-Mode`: fonts and `crossorigin` tags are `cors`; the rest `no-cors`. */
  readonly mode: 'no-cors' | 'cors';
}

export interface WebPage {
  readonly url: string;
  readonly site: string;
  readonly htmlBytes: number;
  readonly requests: readonly PageRequest[];
}

export interface WebSite {
  readonly host: string;
  /** Its documents' Content-Security-Policy; undefined: none (admits `data:`). */
  readonly csp: string | undefined;
  /** Pages, most visited first. */
  readonly pages: readonly WebPage[];
}

export interface OfficeWeb {
  readonly seed: number;
  /** Sites, most popular first. */
  readonly sites: readonly WebSite[];
  readonly files: ReadonlyMap<string, WebFile>;
}

/** The knobs of the web; the defaults are what `npm run bench -- office` uses. */
export const WEB_DEFAULTS = {
  sites: 30,
  /** Sites whose CSP refuses `data:` (script-src, style-src, img-src, font-src without it). */
  strictCspShare: 0.25,
  /** Sites whose own files are sent with `Access-Control-Allow-Origin: *` (served from a CDN-like host). */
  corsAssetsShare: 0.35,
  /** Sites whose bundle is a module script (`type=module`: a CORS request; module syntax). */
  moduleBundleShare: 0.3,
  /** Sites whose stylesheet refers to images by relative URL (cannot become a `data:` URL). */
  relativeCssShare: 0.5,
  /** Library tags with `integrity` + `crossorigin` (a CORS request). */
  crossoriginLibraryShare: 0.4,
};

const YEAR = 'public, max-age=31536000, immutable';
const STRICT_CSP = "default-src 'self' https:; script-src 'self' https:; style-src 'self' https: 'unsafe-inline'; img-src 'self' https:; font-src 'self' https:";

/** Host weights when a site picks a CDN URL for a library (among the URLs serving it). */
const CDN_WEIGHT: Record<string, number> = { 'cdn.jsdelivr.net': 35, 'cdnjs.cloudflare.com': 35, 'unpkg.com': 8, 'code.jquery.com': 10, 'ajax.googleapis.com': 5, 'maxcdn.bootstrapcdn.com': 4, 'stackpath.bootstrapcdn.com': 3, 'ajax.aspnetcdn.com': 2 };

const WIDGETS = [
  'https://widget.chatdesk.test/v3/loader.js',
  'https://cdn.consentbar.test/2.14/consent.js',
  'https://embed.videoplay.test/player/8.2/embed.js',
  'https://static.mapsapi.test/v5/maps.js',
  'https://js.payments.test/v3/checkout.js',
  'https://cdn.feedbackhub.test/widget/1.9.0/widget.js',
  'https://platform.sharebar.test/widgets.js',
  'https://assets.reviewstars.test/2.0/stars.js',
];
const FONT_FAMILIES = ['roboto', 'open-sans', 'lato', 'montserrat', 'source-sans', 'inter', 'poppins', 'merriweather', 'nunito', 'raleway', 'ubuntu', 'playfair'];

const textPadding = (seed: number, n: number): string => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ;=(){}.,';
  const raw = randomBytes(seed, Math.max(0, n));
  let s = '';
  for (const b of raw) s += alphabet[b % alphabet.length];
  return s;
};

/** Bytes of a generated file: valid JS or CSS text, or a font or image header and noise. */
function generate(url: string, kind: FileKind, size: number, style: { module?: boolean; relativeCss?: boolean }): Uint8Array {
  const seed = seedOf('bytes', url);
  const enc = (head: string, tail: string): Uint8Array => new TextEncoder().encode(head + textPadding(seed, size - head.length - tail.length) + tail);
  switch (kind) {
    case 'bundle':
    case 'widget':
      return style.module
        ? enc(`export const loaded = ${JSON.stringify(url)};\nglobalThis.officeLoads = (globalThis.officeLoads || 0) + 1;\n/*`, '*/\n')
        : enc(`window.officeLoads = (window.officeLoads || 0) + 1; // ${url}\n/*`, '*/\n');
    case 'stylesheet':
      return enc(`body{margin:0}${style.relativeCss ? '.hero{background:url(../img/hero.jpg)}' : ''}\n/*`, '*/\n');
    case 'font': {
      const b = randomBytes(seed, size);
      b.set([0x77, 0x4f, 0x46, 0x32]); // wOF2
      return b;
    }
    default: {
      const b = randomBytes(seed, size);
      b.set([0xff, 0xd8, 0xff, 0xe0]); // a JPEG's start
      return b;
    }
  }
}

function makeFile(url: string, kind: FileKind, size: number, headers: Record<string, string>, bytes: () => Uint8Array): WebFile {
  let memo: Uint8Array | undefined;
  let digest: string | undefined;
  const get = (): Uint8Array => (memo ??= bytes());
  return {
    url, kind, size,
    headers: { ...headers, 'content-length': String(size) },
    bytes: get,
    digest: () => (digest ??= createHash('sha384').update(get()).digest('base64')),
  };
}

function generatedFile(url: string, kind: FileKind, size: number, headers: Record<string, string>, style: { module?: boolean; relativeCss?: boolean } = {}): WebFile {
  return makeFile(url, kind, size, { ...headers, etag: `"${seedOf('etag', url).toString(16)}"` }, () => generate(url, kind, size, style));
}

/** A real library file at `url` (its bytes from disk). */
function diskFile(url: string, kind: FileKind, path: string, contentType: string): WebFile {
  const size = readFileSync(path).byteLength;
  return makeFile(url, kind, size, { 'content-type': contentType, 'cache-control': YEAR, 'access-control-allow-origin': '*' }, () => new Uint8Array(readFileSync(path)));
}

/** Builds the web for `seed`. Same seed, same web, byte for byte. */
export function officeWeb(seed = 12, knobs: Partial<typeof WEB_DEFAULTS> = {}): OfficeWeb {
  const k = { ...WEB_DEFAULTS, ...knobs };
  const files = new Map<string, WebFile>();
  const add = (f: WebFile): string => {
    if (!files.has(f.url)) files.set(f.url, f);
    return f.url;
  };
  const pool = libraryPool();
  const r = seeded(seedOf('web', seed));
  // Shared font files (a Google-Fonts-like CDN) and widgets: not on any list, used by several sites.
  const fonts = FONT_FAMILIES.map((family, i) =>
    add(generatedFile(`https://fonts.webfonts.test/s/${family}/v${intIn(r, 10, 40)}/${family}-${i}.woff2`, 'font', logUniform(r, 20_000, 100_000), { 'content-type': 'font/woff2', 'cache-control': YEAR, 'access-control-allow-origin': '*' })),
  );
  const widgets = WIDGETS.map((url) => add(generatedFile(url, 'widget', logUniform(r, 20_000, 150_000), { 'content-type': 'application/javascript', 'cache-control': 'public, max-age=86400', 'access-control-allow-origin': '*' })));
  const sites: WebSite[] = [];
  for (let i = 0; i < k.sites; i++) sites.push(site(i, seeded(seedOf('site', seed, i)), k, pool, fonts, widgets, add));
  return { seed, sites, files };
}

function site(i: number, r: Random, k: typeof WEB_DEFAULTS, pool: readonly Library[], fonts: readonly string[], widgets: readonly string[], add: (f: WebFile) => string): WebSite {
  const host = `site${String(i + 1).padStart(2, '0')}.test`;
  const cors = r() < k.corsAssetsShare;
  const assets = cors ? `https://static.${host}` : `https://${host}`;
  const own = { 'cache-control': YEAR, ...(cors ? { 'access-control-allow-origin': '*' } : {}) };
  const module = r() < k.moduleBundleShare;
  const csp = r() < k.strictCspShare ? STRICT_CSP : undefined;
  const tag = seedOf('build', host).toString(36);
  const bundle = add(generatedFile(`${assets}/assets/app.${tag}.js`, 'bundle', logUniform(r, 50_000, 500_000), { ...own, 'content-type': 'application/javascript' }, { module }));
  const css = add(generatedFile(`${assets}/assets/app.${tag}.css`, 'stylesheet', logUniform(r, 20_000, 120_000), { ...own, 'content-type': 'text/css' }, { relativeCss: r() < k.relativeCssShare }));
  const imageHeaders = { 'cache-control': 'public, max-age=604800', 'content-type': 'image/jpeg', ...(cors ? { 'access-control-allow-origin': '*' } : {}) };
  const chrome = Array.from({ length: intIn(r, 1, 2) }, (_, n) => add(generatedFile(`${assets}/img/ui-${n}.${tag}.jpg`, 'image', logUniform(r, 10_000, 60_000), imageHeaders)));
  const requests: PageRequest[] = [
    { url: css, destination: 'style', mode: 'no-cors' },
    { url: bundle, destination: 'script', mode: module ? 'cors' : 'no-cors' },
    ...chrome.map((url): PageRequest => ({ url, destination: 'image', mode: 'no-cors' })),
  ];
  // Fonts: from the shared font CDN (most sites), self-hosted, or none.
  const fontChoice = r();
  if (fontChoice < 0.6) {
    for (const f of pickDistinct(r, zipfWeights(fonts.length), intIn(r, 1, 3))) requests.push({ url: fonts[f]!, destination: 'font', mode: 'cors' });
  } else if (fontChoice < 0.85) {
    for (let n = 0; n < 2; n++) {
      requests.push({ url: add(generatedFile(`${assets}/fonts/brand-${n}.${tag}.woff2`, 'font', logUniform(r, 20_000, 100_000), { ...own, 'content-type': 'font/woff2' })), destination: 'font', mode: 'cors' });
    }
  }
  // Shared libraries by Zipf popularity, each at one CDN URL (the site's choice) with its fonts.
  const libCount = r() < 0.2 ? 0 : intIn(r, 1, 6);
  for (const li of pickDistinct(r, zipfWeights(pool.length), libCount)) {
    const lib = pool[li]!;
    const url = lib.urls[pick(r, lib.urls.map((u) => CDN_WEIGHT[new URL(u).host] ?? 1))]!;
    const crossorigin = r() < k.crossoriginLibraryShare;
    const css = lib.contentType.startsWith('text/css');
    add(diskFile(url, 'library', lib.path, lib.contentType));
    requests.push({ url, destination: css ? 'style' : 'script', mode: crossorigin ? 'cors' : 'no-cors' });
    for (const dep of lib.deps) {
      if (!dep.ref.endsWith('.woff2')) continue; // browsers that read woff2 fetch only the woff2 source
      const depUrl = add(diskFile(new URL(dep.ref, url).href, 'library-font', dep.path, 'font/woff2'));
      requests.push({ url: depUrl, destination: 'font', mode: 'cors' });
    }
  }
  for (const w of pickDistinct(r, zipfWeights(widgets.length), r() < 0.3 ? 0 : intIn(r, 1, 2))) requests.push({ url: widgets[w]!, destination: 'script', mode: 'no-cors' });
  // Pages: the home page and articles, each with images of its own.
  const pages: WebPage[] = [];
  const pageCount = intIn(r, 2, 4);
  for (let p = 0; p < pageCount; p++) {
    const path = p === 0 ? '/' : `/articles/${p}`;
    const images = Array.from({ length: p === 0 ? intIn(r, 2, 3) : intIn(r, 1, 2) }, (_, n) =>
      add(generatedFile(`${assets}/media/p${p}-${n}.${seedOf(host, p, n).toString(36)}.jpg`, 'image', logUniform(r, 10_000, 300_000), imageHeaders)),
    );
    pages.push({
      url: `https://${host}${path}`,
      site: host,
      htmlBytes: logUniform(r, 20_000, 80_000),
      requests: [...requests, ...images.map((url): PageRequest => ({ url, destination: 'image', mode: 'no-cors' }))],
    });
  }
  return { host, csp, pages };
}

/** Headers of a site's documents: never cached, and its CSP when it has one. */
export function documentHeaders(site: WebSite): Record<string, string> {
  return { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...(site.csp ? { 'content-security-policy': site.csp } : {}) };
}

/** A page's HTML for a real browser: the tags that load its files (fonts through @font-face). */
export function pageHtml(page: WebPage): string {
  const tags = page.requests.map((q, n) => {
    const co = q.mode === 'cors' && q.destination !== 'font' ? ' crossorigin="anonymous"' : '';
    switch (q.destination) {
      case 'style':
        return `<link rel="stylesheet" href="${q.url}"${co}>`;
      case 'script':
        return `<script src="${q.url}"${co}${q.url.includes('/assets/app.') && co ? ' type="module"' : ''}></script>`;
      case 'font':
        return `<style>@font-face{font-family:f${n};src:url(${q.url}) format("woff2")}.f${n}{font-family:f${n}}</style><span class="f${n}">x</span>`;
      default:
        return `<img src="${q.url}" alt="">`;
    }
  });
  return `<!doctype html><html><head><meta charset="utf-8"><title>${page.url}</title></head><body>${tags.join('')}</body></html>`;
}

/** All URLs a web's pages load, and the hosts they name (for an origin or a certificate). */
export function webHosts(web: OfficeWeb): string[] {
  return [...new Set([...web.sites.map((s) => s.host), ...[...web.files.keys()].map((u) => new URL(u).host)])].sort();
}

export { CDN_HOSTS };
