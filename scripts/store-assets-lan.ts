// The store listing's LAN screenshot (screenshots/lan-1280x800.png), made by `store-assets.ts`
// INSIDE a loopback-only network namespace (as test/e2e/webrtc.test.ts runs its scenario): two
// browsers meet over WebRTC, which would otherwise offer the machine's real address
// (platform-notes.md). Everything in the picture happened: a LAN node, a colleague's browser that
// loaded jQuery, and this browser, which got it from the colleague over the LAN and then answered
// a site's two jQuery requests from its cache. Prints one JSON line with the figures shown.
// Usage (inside the namespace): node scripts/store-assets-lan.ts <output png>
import type { Page } from 'playwright-core';
import type { ServingView, StatsView, StatusView } from '../src/extension/messages.ts';
import { pollUntil } from '../test/e2e/support/poll.ts';
import { JQUERY, VARYING_CDN_PAGE } from '../test/e2e/support/test-web.ts';
import { joinWebrtcOffice, LOOPBACK_ICE, openWebrtcOffice } from '../test/e2e/webrtc/office.ts';
import { TEST_HOSTS } from '../test/support/tls-cert.ts';
import { launchChromium, type ChromiumSession } from './browsers/chromium.ts';
import { composeWithPopup } from './store-assets.ts';

const out = process.argv[2];
if (!out) throw new Error('usage: store-assets-lan.ts <output png>');

/** Asks the background of the browser `ui` belongs to (an extension page). */
const ask = <T>(ui: Page, request: { type: string; [k: string]: unknown }): Promise<T> =>
  ui.evaluate((r) => chrome.runtime.sendMessage(r), request) as Promise<T>;

/** Asks `type` until `ready` holds (at most `ms`); returns the last answer. */
const until = <T>(ui: Page, type: string, ready: (v: T) => boolean, ms = 45_000): Promise<T> => pollUntil(() => ask<T>(ui, { type }), ready, ms);

// The policy, the test web and a LAN node with no room, so the file can only come from the
// colleague's browser (test/e2e/webrtc/office.ts).
const office = await openWebrtcOffice('peercache-store-assets');
const { origin } = office;
const sessions: ChromiumSession[] = [];
const result: Record<string, unknown> = {};
try {
  const join = async (): Promise<{ session: ChromiumSession; ui: Page }> => {
    const session = await launchChromium({ loopbackHosts: TEST_HOSTS, extraArgs: LOOPBACK_ICE.extraArgs });
    sessions.push(session);
    const ui = await session.openExtensionPage('options.html');
    await joinWebrtcOffice((m) => ask(ui, m), office);
    return { session, ui };
  };
  /** Opens `url` in a tab of `session` and waits until the page has set its final title. */
  const visit = async (session: ChromiumSession, url: string, done: (title: string) => boolean): Promise<Page> => {
    const page = await session.context.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(url);
    await page.waitForFunction(() => document.title !== 'loading' && document.title !== '', undefined, { timeout: 20_000 });
    if (!done(await page.title())) throw new Error(`${url}: ${await page.title()}`);
    return page;
  };

  // The colleague: loads a page with jQuery and keeps what it learned.
  const colleague = await join();
  await (await visit(colleague.session, 'https://site-a.test/jquery.html', (t) => t.startsWith('jquery'))).close();
  await until<ServingView>(colleague.ui, 'ui-bg-get-serving', (v) => v.cached >= 1);

  // This browser: finds the colleague through the LAN node, gets jQuery from it on its first
  // visit to site A, whose page loads it from a CDN that varies its answer by Origin (the page's
  // own request still goes out: Chromium cannot answer a file it has not got; and it cannot read
  // that response back from the page's cache, so it asks the LAN), then answers site B's two
  // jQuery URLs from its cache.
  const me = await join();
  const met = await until<StatusView>(me.ui, 'ui-bg-get-status', (s) => s.peers.peers >= 1);
  if (met.peers.peers < 1) throw new Error(`the browsers did not meet: ${JSON.stringify(met.peers)}`);
  await (await visit(me.session, VARYING_CDN_PAGE, (t) => t.startsWith('jquery'))).close();
  const got = await until<StatsView>(me.ui, 'ui-bg-get-stats', (s) => s.total.lanBytesIn > 0);
  if (got.total.lanBytesIn === 0) throw new Error('nothing came over the LAN');
  await (await visit(me.session, 'https://site-b.test/', (t) => t === 'ready')).close();
  await until<ServingView>(me.ui, 'ui-bg-get-serving', (v) => (v.safeHosts.script ?? []).includes('site-b.test') && v.servable >= 1);
  const since = Date.now();
  const page = await visit(me.session, 'https://site-b.test/jquery.html', (t) => t === 'both 3.7.1');
  const originHits = origin.hits(JQUERY.unpkg.host, JQUERY.unpkg.path, since) + origin.hits(JQUERY.jsdelivr.host, JQUERY.jsdelivr.path, since);
  const stats = await until<StatsView>(me.ui, 'ui-bg-get-stats', (s) => (s.perSite['site-b.test']?.servedRequests ?? 0) >= 2, 10_000);
  const status = await ask<StatusView>(me.ui, { type: 'ui-bg-get-status' });
  Object.assign(result, {
    lanNodes: status.peers.lanNodes,
    peers: status.peers.peers,
    lanBytesIn: stats.total.lanBytesIn,
    learnBytes: stats.total.learnBytes,
    siteBServed: stats.perSite['site-b.test']?.servedRequests ?? 0,
    originHitsFromSiteB: originHits,
  });

  // The picture must show what happened: refuse to draw it otherwise.
  if (originHits !== 0 || result.siteBServed !== 2) throw new Error(`site B was not served from the cache: ${JSON.stringify(result)}`);

  await page.evaluate(() => {
    document.body.style.font = '20px system-ui';
    document.body.insertAdjacentHTML('afterbegin', '<h1 style="margin:40px">site-b.test</h1><p style="margin:40px;max-width:760px">A colleague\'s browser on the office network had jQuery. This browser got it from there, browser to browser, and served this page\'s two copies of it from its cache: nothing downloaded from the internet, bytes verified by their SHA-384.</p>');
  });
  const popup = await me.session.openExtensionPage(`popup.html?url=${encodeURIComponent('https://site-b.test/jquery.html')}`);
  await popup.setViewportSize({ width: 360, height: 460 });
  await composeWithPopup(me.session.context, await page.screenshot(), await popup.locator('body').screenshot(), out);
  result.written = out;
} catch (e) {
  result.error = String(e);
} finally {
  for (const s of sessions) await s.close().catch(() => undefined);
  await office.close();
}
console.log(JSON.stringify(result));
process.exit(0);
