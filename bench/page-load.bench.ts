// Page load with 20 CDN assets through a slow origin (50 ms latency, ~10 Mbit/s per
// connection), in headless Chromium, medians of 7 runs:
//   cold        no extension, empty HTTP cache            (what a first visit costs)
//   warm HTTP   no extension, the same site reloaded      (the practical limit)
//   PeerCache   extension warm from ANOTHER site, HTTP cache emptied before each run
// Ratios compare against the baselines measured in this same run.
import type { Page } from 'playwright-core';
import { launchChromium } from '../scripts/browsers/chromium.ts';
import { startOriginServer } from '../test/support/origin-server.ts';
import { TEST_HOSTS } from '../test/support/tls-cert.ts';

const RUNS = 7;
const ASSETS = 20;
const ASSET_BYTES = 60_000;
const CDN = { 'content-type': 'application/javascript', 'cache-control': 'public, max-age=31536000, immutable', 'access-control-allow-origin': '*' };

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function loadTime(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: 'load' });
  const ok = await page.evaluate(() => document.title);
  if (ok !== `loaded ${20}`) throw new Error(`page did not run all scripts: ${ok}`);
  return page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd);
}

async function clearHttpCache(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.clearBrowserCache');
  await cdp.detach();
}

export async function run(): Promise<string[]> {
  const origin = await startOriginServer({ latencyMs: 50, bytesPerSecond: 1_250_000 });
  const scripts = Array.from({ length: ASSETS }, (_, i) => `https://static.test/bench/lib-${i}.js`);
  scripts.forEach((u, i) => origin.route('static.test', new URL(u).pathname, { headers: CDN, body: `window.n=(window.n||0)+1;/* lib ${i} ${'x'.repeat(ASSET_BYTES)}`.slice(0, ASSET_BYTES) + '*/' }));
  const page = (title: string) => ({
    headers: { 'content-type': 'text/html', 'cache-control': 'no-store' },
    body: `<!doctype html><title>${title}</title>${scripts.map((s) => `<script src="${s}"></script>`).join('')}<script>document.title='loaded '+window.n</script>`,
  });
  for (const site of ['site-a.test', 'site-b.test']) {
    origin.route(site, '/bench.html', page('bench'));
    origin.route(site, '/', { headers: { 'content-type': 'text/html' }, body: '<!doctype html><title>ready</title>' });
  }
  const lines: string[] = [];
  const plain = await launchChromium({ extension: false, loopbackHosts: TEST_HOSTS });
  const withExt = await launchChromium({ loopbackHosts: TEST_HOSTS });
  try {
    const p = await plain.context.newPage();
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await clearHttpCache(p);
      cold.push(await loadTime(p, 'https://site-b.test/bench.html'));
      warm.push(await loadTime(p, 'https://site-b.test/bench.html'));
    }

    const options = await withExt.openExtensionPage('options.html');
    const ask = (m: unknown) => options.evaluate((msg) => chrome.runtime.sendMessage(msg), m);
    // The bench assets are on no public list; let PeerCache serve what it observed itself.
    await ask({ type: 'ui-bg-set-setting', name: 'requirePopular', value: false });
    const q = await withExt.context.newPage();
    await loadTime(q, 'https://site-a.test/bench.html');
    await q.goto('https://site-b.test/');
    const t0 = Date.now();
    let updateInfo: unknown;
    for (;;) {
      const v = (await ask({ type: 'ui-bg-get-serving' })) as { servable: number; safeHosts: { script: string[] } };
      if (v.servable >= ASSETS && v.safeHosts.script.includes('site-b.test')) {
        updateInfo = (v as { lastUpdate?: unknown }).lastUpdate;
        break;
      }
      if (Date.now() - t0 > 60_000) throw new Error(`PeerCache not ready after 60 s: ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const peer: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await clearHttpCache(q);
      const since = Date.now();
      peer.push(await loadTime(q, 'https://site-b.test/bench.html'));
      const hits = origin.seen.filter((s) => s.at >= since && s.path.startsWith('/bench/lib-')).length;
      if (hits > 0) lines.push(`warning: run ${i + 1} sent ${hits} asset requests to the origin`);
    }
    const [c, w, pc] = [median(cold), median(warm), median(peer)];
    lines.unshift(
      `page load: ${ASSETS} scripts x ${ASSET_BYTES / 1000} kB, origin 50 ms latency, ~10 Mbit/s per connection, Chromium, median of ${RUNS}`,
      `cold (no extension)            ${c.toFixed(0).padStart(6)} ms`,
      `warm HTTP cache, same site     ${w.toFixed(0).padStart(6)} ms   ${(w / c).toFixed(2)}x cold`,
      `PeerCache, other site's files  ${pc.toFixed(0).padStart(6)} ms   ${(pc / c).toFixed(2)}x cold, ${(pc / w).toFixed(2)}x warm HTTP cache`,
      `DNR rule update installing them: ${JSON.stringify(updateInfo)}`,
    );
  } finally {
    await plain.close();
    await withExt.close();
    await origin.close();
  }
  return lines;
}
