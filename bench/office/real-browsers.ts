// The office in real browsers (issue 12, item 3a): BROWSERS headless profiles (Chromium and
// Firefox mixed, fresh profiles, the BUILT extension) on one LAN node with a group key, browsing
// the office's synthetic web (web.ts, the same web as the simulation) in the order of the
// office's trace (trace.ts): every view of a browser's first VIEWS views, all browsers
// interleaved by time of day, GAP_MS apart. Then the same views with the same browsers without
// PeerCache (fresh profiles again: each with its own HTTP cache, partitioned by site). Counted:
// bytes the origins sent for subresources (documents are no-store and the same in both runs),
// bytes over the LAN, and each page's load time (loadEventEnd). The origin answers with 40 ms
// latency and 50 Mbit/s per connection, as the simulation's WAN model.
//
// Run by real-browsers.bench.ts inside a loopback-only network namespace (WebRTC between the
// browsers can then use 127.0.0.1 only); prints one JSON line.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StatsView, StatusView } from '../../src/extension/messages.ts';
import { startLanNode } from '../../src/node/lan-node.ts';
import { openBrowser, type BrowserName, type ExtensionBrowser } from '../../test/e2e/support/extension-browser.ts';
import { startOriginServer, type OriginServer } from '../../test/support/origin-server.ts';
import { TEST_HOSTS } from '../../test/support/tls-cert.ts';
import { officeTrace, pageHtml, webHosts, type OfficeWeb } from './trace.ts';

/** Chromium, Firefox, Chromium: what this 2-core machine runs reliably at once. */
const ENGINES: readonly BrowserName[] = ['chromium', 'firefox', 'chromium'];
const VIEWS = Number(process.env.OFFICE_VIEWS ?? 12);
const GAP_MS = 1_000;
const GROUP = 'a1'.repeat(32);
const DONE = '/office-done.js';

function routeWeb(origin: OriginServer, web: OfficeWeb): Set<string> {
  for (const file of web.files.values()) {
    const u = new URL(file.url);
    origin.route(u.host, u.pathname, { headers: { ...file.headers }, body: Buffer.from(file.bytes()) });
  }
  const pages = new Set<string>();
  for (const site of web.sites) {
    // The site's own script tells the page finished: a strict CSP refuses inline scripts.
    origin.route(site.host, DONE, { headers: { 'content-type': 'text/javascript', 'cache-control': 'no-store' }, body: "addEventListener('load', () => document.fonts.ready.then(() => { document.title = 'done' }))" });
    pages.add(`${site.host}${DONE}`);
    for (const page of site.pages) {
      const u = new URL(page.url);
      origin.route(u.host, u.pathname, { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...(site.csp ? { 'content-security-policy': site.csp } : {}) }, body: pageHtml(page).replace('</body>', `<script src="${DONE}"></script></body>`) });
      pages.add(`${u.host}${u.pathname}`);
    }
  }
  return pages;
}

interface RunFigures {
  originBytes: number;
  lanBytesIn: number;
  /** Of originBytes: the extension's own downloads to learn a file (Chromium). */
  learnBytes: number;
  loads: number[];
  failed: number;
}

async function replay(origin: OriginServer, pages: Set<string>, hosts: readonly string[], views: { browser: number; url: string }[], withPeerCache: boolean): Promise<RunFigures> {
  const node = withPeerCache
    ? await startLanNode({ host: '127.0.0.1', tcpPort: 0, wsPort: 0, httpPort: 0, dataDir: mkdtempSync(join(tmpdir(), 'peercache-office-')), cacheMB: 512, groupKey: GROUP }, { log: () => {}, mdns: false })
    : undefined;
  const browsers: ExtensionBrowser[] = [];
  try {
    for (const engine of ENGINES) browsers.push(await openBrowser(engine, { extension: withPeerCache, loopbackHosts: hosts }));
    if (node) {
      const ws = node.addresses().find((a) => a.includes('/ws/'))!;
      for (const b of browsers) {
        const ui = await b.page('options.html');
        for (const [name, value] of Object.entries({ groupKey: GROUP, trustGroupBindings: true, lanNodes: [ws] })) await ui.send({ type: 'ui-bg-set-setting', name, value });
        const deadline = Date.now() + 20_000;
        while ((await ui.send<StatusView>({ type: 'ui-bg-get-status' })).peers.lanNodes !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      }
    }
    const since = Date.now();
    const loads: number[] = [];
    let failed = 0;
    for (const v of views) {
      const page = await browsers[v.browser]!.visit(v.url);
      try {
        await page.waitUntil(() => document.title === 'done', undefined, 20_000);
        loads.push(await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd));
      } catch {
        failed++;
      }
      await page.close();
      await new Promise((r) => setTimeout(r, GAP_MS));
    }
    // Learning downloads that are still under way count too.
    await new Promise((r) => setTimeout(r, 3_000));
    let lanBytesIn = 0;
    let learnBytes = 0;
    if (node) {
      for (const b of browsers) {
        const { total } = await (await b.page('options.html')).send<StatsView>({ type: 'ui-bg-get-stats' });
        lanBytesIn += total.lanBytesIn;
        learnBytes += total.learnBytes;
      }
    }
    return { originBytes: origin.bytesSent(since, (r) => !pages.has(`${r.host}${r.path}`)), lanBytesIn, learnBytes, loads, failed };
  } finally {
    for (const b of browsers) await b.close().catch(() => undefined);
    await node?.stop();
  }
}

const trace = officeTrace({ browsers: ENGINES.length });
const web = trace.web;
// Every browser's first VIEWS views, interleaved by time of day. Engines follow ENGINES, not
// the trace's mix: the trace's browser i browses as ENGINES[i] here.
const views = trace.browsers
  .flatMap((b) => b.views.slice(0, VIEWS).map((v) => ({ browser: b.id, at: v.at, url: v.page.url })))
  .sort((a, b) => a.at - b.at);
const hosts = [...new Set([...TEST_HOSTS, ...webHosts(web)])];
// The minimum: every distinct file these views load crosses the WAN once (by bytes: the same
// bytes at two URLs once).
const distinct = new Map<string, number>();
for (const v of views) {
  const page = web.sites.flatMap((s) => s.pages).find((p) => p.url === v.url)!;
  for (const r of page.requests) {
    const f = web.files.get(r.url);
    if (f) distinct.set(f.digest(), f.size);
  }
}
const minimum = [...distinct.values()].reduce((a, b) => a + b, 0);

const origin = await startOriginServer({ latencyMs: 40, bytesPerSecond: 6_250_000 });
try {
  const pages = routeWeb(origin, web);
  const without = await replay(origin, pages, hosts, views, false);
  const withPc = await replay(origin, pages, hosts, views, true);
  console.log(JSON.stringify({ engines: ENGINES, views: views.length, minimum, without, with: withPc }));
} finally {
  await origin.close();
}
process.exit(0);
