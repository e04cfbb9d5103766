// First visits from a fresh profile (issue 9): one browsing session across SITES unrelated sites
// that share popular library files, run twice in each browser, without and with PeerCache, each
// time in a new profile. Every site is visited once: no warm-up, no second view.
//
// The synthetic web: each site loads LIBS_PER_SITE library files picked by Zipf popularity from
// a pool of real library files (npm bytes) at the CDN URLs real pages use (the packaged set's
// URLs on cdnjs, code.jquery.com, Google, BootstrapCDN, Microsoft's CDN, jsDelivr, plus listed
// files that are not packaged), and its own script bundle and stylesheet, which no other site shares. The
// origin has 50 ms latency and ~10 Mbit/s per connection.
//
// Printed: bytes the origins sent with PeerCache / without (ratio per browser), and the median
// page load (loadEventEnd) with / without: without PeerCache every load is a cold one.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../scripts/browsers/paths.ts';
import { launchChromium } from '../scripts/browsers/chromium.ts';
import { launchFirefox } from '../scripts/browsers/firefox.ts';
import { fetchedReferences } from '../scripts/hash-list/packaged-set.ts';
import { parseHashList } from '../src/core/hash-list/index.ts';
import { startOriginServer, type OriginServer } from '../test/support/origin-server.ts';
import { TEST_HOSTS } from '../test/support/tls-cert.ts';

const SITES = 10;
const LIBS_PER_SITE = 5;
const POOL = 30;
const HOSTS = ['cdnjs.cloudflare.com', 'code.jquery.com', 'ajax.googleapis.com', 'maxcdn.bootstrapcdn.com', 'ajax.aspnetcdn.com', 'cdn.jsdelivr.net', 'unpkg.com'];
const SITE_HOSTS = ['site-a.test', 'site-b.test', 'site-c.test', 'static.test', 'bank.test', 'csp-strict.test', 'csp-data.test', 'csp-first.test', 'news.test', 'shop.test', 'blog.test'];

interface Lib {
  readonly url: string;
  readonly body: Buffer;
  readonly css: boolean;
  /** Files a stylesheet loads relative to itself: URL and bytes. */
  readonly deps: ReadonlyArray<{ url: string; body: Buffer }>;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** A deterministic generator, so both runs and every machine browse the same web. */
function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

/** The pool: packaged scripts and stylesheets at a real CDN URL each, and two listed files that are not packaged. */
function libraryPool(): Lib[] {
  const list = parseHashList(readFileSync(join(ROOT, 'extension', 'hash-list.bin')));
  const pool: Lib[] = [];
  for (const f of list.packagedFiles()) {
    if (!/\.(js|css)$/.test(f.extensionPath) || f.extensionPath.includes('jquery@1.') || f.extensionPath.includes('jquery@2.')) continue;
    const url = HOSTS.map((h) => f.urls.find((u) => new URL(u).host === h)).find((u) => u !== undefined);
    if (url === undefined) continue;
    const path = join(ROOT, 'extension', f.extensionPath);
    const body = readFileSync(path);
    const css = f.extensionPath.endsWith('.css');
    const deps = css
      ? fetchedReferences(body.toString('utf8')).map((ref) => ({ url: new URL(ref, url).href, body: readFileSync(join(path, '..', ref)) }))
      : [];
    pool.push({ url, body, css, deps });
    if (pool.length === POOL - 2) break;
  }
  // Listed on the public list, not packaged: learned from a first download.
  for (const file of ['jquery.slim.min.js', 'jquery.slim.js']) {
    pool.push({ url: `https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/${file}`, body: readFileSync(join(ROOT, 'node_modules/jquery/dist', file)), css: false, deps: [] });
  }
  return pool;
}

/** Which libraries each site loads: Zipf (s = 1) over the pool, without repeats on a site. */
function siteLibraries(pool: readonly Lib[], next: () => number): Lib[][] {
  const weights = pool.map((_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  return Array.from({ length: SITES }, () => {
    const chosen = new Set<Lib>();
    while (chosen.size < LIBS_PER_SITE) {
      let r = next() * total;
      const i = weights.findIndex((w) => (r -= w) <= 0);
      chosen.add(pool[i === -1 ? pool.length - 1 : i]!);
    }
    return [...chosen];
  });
}

function routeWeb(origin: OriginServer, pool: readonly Lib[], sites: Lib[][], own: boolean, variant = ''): string[] {
  const cdn = { 'cache-control': 'public, max-age=31536000, immutable', 'access-control-allow-origin': '*' };
  for (const lib of pool) {
    const u = new URL(lib.url);
    origin.route(u.host, u.pathname, { headers: { ...cdn, 'content-type': lib.css ? 'text/css' : 'application/javascript' }, body: lib.body });
    for (const dep of lib.deps) origin.route(new URL(dep.url).host, new URL(dep.url).pathname, { headers: { ...cdn, 'content-type': 'font/woff2' }, body: dep.body });
  }
  return sites.map((libs, i) => {
    const host = SITE_HOSTS[i % SITE_HOSTS.length]!;
    const prefix = `/fv${own ? '' : '-libs'}${variant}${i}`;
    const ownBytes = createHash('sha512').update(`site ${i}`).digest('hex').repeat(1500); // ~190 kB, unique
    origin.route(host, `${prefix}/bundle.js`, { headers: { 'content-type': 'application/javascript', 'cache-control': 'public, max-age=86400' }, body: `window.own=1;/*${ownBytes}*/` });
    origin.route(host, `${prefix}/site.css`, { headers: { 'content-type': 'text/css', 'cache-control': 'public, max-age=86400' }, body: `/*${ownBytes.slice(0, 60_000)}*/` });
    const tags = libs.map((l) => (l.css ? `<link rel="stylesheet" href="${l.url}">` : `<script src="${l.url}"></script>`)).join('');
    origin.route(host, `${prefix}/`, {
      headers: { 'content-type': 'text/html', 'cache-control': 'no-store' },
      body: `<!doctype html><title>loading</title>${tags}<i class="fa fa-check glyphicon glyphicon-star">x</i>${own ? `<link rel="stylesheet" href="${prefix}/site.css"><script src="${prefix}/bundle.js"></script>` : ''}` +
        `<script>addEventListener('load', () => document.fonts.ready.then(() => { document.title = 'done' }))</script>`,
    });
    return `https://${host}${prefix}/`;
  });
}

interface SessionResult {
  bytes: number;
  loads: number[];
}

async function session(browser: 'chromium' | 'firefox', extension: boolean, origin: OriginServer, urls: readonly string[]): Promise<SessionResult> {
  const since = Date.now();
  const loads: number[] = [];
  const loadOf = async (goto: (url: string) => Promise<unknown>, evaluate: <T>(fn: () => T) => Promise<T>, url: string) => {
    await goto(url);
    const deadline = Date.now() + 20_000;
    while ((await evaluate(() => document.title)) !== 'done' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    loads.push(await evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd));
  };
  if (browser === 'chromium') {
    const s = await launchChromium({ extension, loopbackHosts: TEST_HOSTS });
    try {
      if (extension) await s.serviceWorker();
      for (const url of urls) {
        const page = await s.context.newPage();
        await loadOf((u) => page.goto(u, { waitUntil: 'load' }), (fn) => page.evaluate(fn), url);
        await page.close();
      }
      await new Promise((r) => setTimeout(r, 3_000)); // let learning downloads finish: they count
    } finally {
      await s.close();
    }
  } else {
    const s = await launchFirefox({ extension, loopbackHosts: TEST_HOSTS });
    try {
      if (extension) await (await s.extensionTab()).close();
      for (const url of urls) {
        const page = await s.browser.newPage();
        await loadOf((u) => page.goto(u, { waitUntil: 'load' }), (fn) => page.evaluate(fn), url);
        await page.close();
      }
      await new Promise((r) => setTimeout(r, 3_000));
    } finally {
      await s.close();
    }
  }
  return { bytes: origin.bytesSent(since, (r) => !r.path.endsWith('/') && r.path !== '/favicon.ico'), loads };
}

export async function run(): Promise<string[]> {
  const pool = libraryPool();
  const sites = siteLibraries(pool, random(9));
  const origin = await startOriginServer({ latencyMs: 50, bytesPerSecond: 1_250_000 });
  const lines = [`first visits: ${SITES} sites, ${LIBS_PER_SITE} of ${pool.length} library files each (Zipf), fresh profiles, 50 ms, ~10 Mbit/s`];
  try {
    for (const own of [true, false]) {
      const urls = routeWeb(origin, pool, sites, own);
      lines.push(own ? ' pages with their own bundle (192 kB) and stylesheet (60 kB):' : ' pages of shared libraries only (what PeerCache can answer):');
      // The floor: the same pages with no library at all, without PeerCache (what answering every
      // library instantly would leave), so a ratio can be read against what is reachable.
      const floorUrls = own ? routeWeb(origin, pool, sites.map(() => []), own, '-floor') : [];
      for (const browser of ['chromium', 'firefox'] as const) {
        const without = await session(browser, false, origin, urls);
        const withPc = await session(browser, true, origin, urls);
        const kb = (n: number) => `${(n / 1000).toFixed(0)} kB`;
        const cold = median(without.loads);
        const floor = own ? median((await session(browser, false, origin, floorUrls)).loads) : 0;
        lines.push(
          `  ${browser.padEnd(8)} origin bytes ${kb(withPc.bytes)} with PeerCache vs ${kb(without.bytes)} without: ${(withPc.bytes / without.bytes).toFixed(2)}x` +
            `; median page load ${median(withPc.loads).toFixed(0)} ms vs ${cold.toFixed(0)} ms cold: ${(median(withPc.loads) / cold).toFixed(2)}x` +
            (own ? ` (no libraries at all: ${floor.toFixed(0)} ms, ${(floor / cold).toFixed(2)}x)` : ''),
        );
      }
    }
  } finally {
    await origin.close();
  }
  return lines;
}
