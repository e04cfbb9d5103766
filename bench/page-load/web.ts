// The pages the page-load bench measures, on the loopback origin (50 ms latency, ~10 Mbit/s
// per connection, as bench first-visit):
// - /bench.html: SCRIPTS scripts of SCRIPT_BYTES at static.test, each counting itself, then the
//   title says how many ran. PeerCache answers them with `data:` once it learned them.
// - /packaged.html: the first packaged library files (scripts, stylesheets and the fonts these
//   load) at the real CDN URLs pages use; PeerCache answers them from the extension.
// - /floor.html: the same document without any subresource (what is left when every file is
//   free: the document's own round trip).
// - /learn.html: the bench page without the reporting script (set-up loads by automation).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fetchedReferences } from '../../scripts/hash-list/packaged-set.ts';
import { ROOT } from '../../scripts/browsers/paths.ts';
import { shipsFile } from '../../scripts/build/packaged.ts';
import { parseHashList } from '../../src/core/hash-list/index.ts';
import type { OriginServer } from '../../test/support/origin-server.ts';
import { REPORT_AND_GO_ON } from './chain.ts';

export const SCRIPTS = 20;
export const SCRIPT_BYTES = 60_000;
export const SITES = ['site-a.test', 'site-b.test', 'site-c.test'] as const;
/** The site every measured page is on; site-a and site-c teach PeerCache the files first. */
export const MEASURED = 'site-b.test';

const CDN = { 'cache-control': 'public, max-age=31536000, immutable', 'access-control-allow-origin': '*' };
const DOC = { 'content-type': 'text/html', 'cache-control': 'no-store' };

/** One file of the synthetic web, at its URL. */
export interface WebFile {
  readonly url: string;
  readonly body: Uint8Array;
  readonly type: string;
}

export interface BenchWeb {
  /** The bench page's scripts. */
  readonly scripts: readonly WebFile[];
  /** The packaged page's files, with the extension path of each (fonts: next to their stylesheet). */
  readonly packaged: ReadonlyArray<WebFile & { extensionPath: string }>;
  url(page: 'bench' | 'packaged' | 'floor' | 'learn', site?: string): string;
  /** The title a page ends with when every file loaded. */
  title(page: 'bench' | 'packaged' | 'floor'): string;
}

/** The first `count` packaged scripts and stylesheets both browsers ship, at a real CDN URL each. */
function packagedLibraries(count: number): Array<WebFile & { extensionPath: string }> {
  const hosts = ['code.jquery.com', 'cdnjs.cloudflare.com', 'maxcdn.bootstrapcdn.com', 'ajax.googleapis.com', 'cdn.jsdelivr.net'];
  const list = parseHashList(readFileSync(join(ROOT, 'extension', 'hash-list.bin')));
  const out: Array<WebFile & { extensionPath: string }> = [];
  let libraries = 0;
  for (const f of list.packagedFiles()) {
    if (libraries === count) break;
    if (!/\.(js|css)$/.test(f.extensionPath) || !shipsFile('chrome', f.extensionPath) || !shipsFile('firefox', f.extensionPath)) continue;
    const url = hosts.map((h) => f.urls.find((u) => new URL(u).host === h)).find((u) => u !== undefined);
    if (!url) continue;
    const path = join(ROOT, 'extension', f.extensionPath);
    const body = readFileSync(path);
    const css = f.extensionPath.endsWith('.css');
    out.push({ url, body, type: css ? 'text/css' : 'application/javascript', extensionPath: f.extensionPath });
    if (css) {
      for (const ref of fetchedReferences(body.toString('utf8'))) {
        out.push({ url: new URL(ref, url).href, body: readFileSync(join(path, '..', ref)), type: 'font/woff2', extensionPath: join(f.extensionPath, '..', ref) });
      }
    }
    libraries++;
  }
  return out;
}

export function routeBenchWeb(origin: OriginServer, packagedCount = 6): BenchWeb {
  const scripts: WebFile[] = Array.from({ length: SCRIPTS }, (_, i) => ({
    url: `https://static.test/bench/lib-${i}.js`,
    body: new TextEncoder().encode(`window.n=(window.n||0)+1;/* lib ${i} ${'x'.repeat(SCRIPT_BYTES)}`.slice(0, SCRIPT_BYTES) + '*/'),
    type: 'application/javascript',
  }));
  const packaged = packagedLibraries(packagedCount);
  for (const f of [...scripts, ...packaged]) origin.route(new URL(f.url).host, new URL(f.url).pathname, { headers: { ...CDN, 'content-type': f.type }, body: f.body });
  const scriptTags = scripts.map((s) => `<script src="${s.url}"></script>`).join('');
  // Each library counts itself once loaded; fonts are counted through document.fonts.
  const libTags = packaged
    .filter((f) => f.type !== 'font/woff2')
    .map((f) => (f.type === 'text/css' ? `<link rel="stylesheet" href="${f.url}" onload="n++">` : `<script src="${f.url}" onload="n++"></script>`))
    .join('');
  const libraries = packaged.filter((f) => f.type !== 'font/woff2').length;
  const pages = {
    bench: `${scriptTags}<script>document.title='loaded '+window.n</script>`,
    // A stylesheet's load event may come after the last inline script: count at the page's load.
    packaged: `<script>var n=0;addEventListener('load',()=>document.title='loaded '+n)</script>${libTags}<i class="fa fa-check glyphicon glyphicon-star">x</i>`,
    floor: `<script>document.title='floor'</script>`,
  };
  for (const site of SITES) {
    for (const [name, body] of Object.entries(pages)) origin.route(site, `/${name}.html`, { headers: DOC, body: `<!doctype html><title>x</title>${body}${REPORT_AND_GO_ON}` });
    origin.route(site, '/learn.html', { headers: DOC, body: `<!doctype html><title>learn</title>${pages.bench}` });
    origin.route(site, '/', { headers: { 'content-type': 'text/html' }, body: '<!doctype html><title>ready</title>' });
  }
  return {
    scripts,
    packaged,
    url: (page, site = MEASURED) => `https://${site}/${page}.html`,
    title: (page) => (page === 'bench' ? `loaded ${SCRIPTS}` : page === 'packaged' ? `loaded ${libraries}` : 'floor'),
  };
}
