// Runs INSIDE a loopback-only network namespace (webrtc.test.ts starts it): a LAN node, the test
// origin, and two headless browsers with the built extension (office.ts). Browser A (argv[2],
// default chromium) learns a file; browser B (argv[3], default firefox) starts later, finds A
// through the LAN node, loads a page with that file from a CDN its page's cache cannot give it
// back from, and fetches the file straight from A over WebRTC (libp2p in Chromium's offscreen
// document, Firefox's background page). Prints one JSON line.
import type { StatsView, StatusView } from '../../../src/extension/messages.ts';
import { TEST_HOSTS } from '../../support/tls-cert.ts';
import { openBrowser, type BrowserName, type ExtensionBrowser, type UiPage } from '../support/extension-browser.ts';
import { pollUntil, servingUntil } from '../support/poll.ts';
import { JQUERY, VARYING_CDN_PAGE } from '../support/test-web.ts';
import { joinWebrtcOffice, LOOPBACK_ICE, openWebrtcOffice } from './office.ts';

const nameA = (process.argv[2] ?? 'chromium') as BrowserName;
const nameB = (process.argv[3] ?? 'firefox') as BrowserName;

const office = await openWebrtcOffice('peercache-webrtc-e2e');
const { origin, node } = office;
const browsers: ExtensionBrowser[] = [];
const result: Record<string, unknown> = { a: nameA, b: nameB };
try {
  const join = async (name: BrowserName): Promise<{ browser: ExtensionBrowser; ui: UiPage }> => {
    const browser = await openBrowser(name, { loopbackHosts: TEST_HOSTS, ...LOOPBACK_ICE });
    browsers.push(browser);
    const ui = await browser.page('options.html');
    await joinWebrtcOffice((m) => ui.send(m), office);
    return { browser, ui };
  };
  const a = await join(nameA);
  const pa = await a.browser.visit('https://site-a.test/jquery.html');
  await pa.waitUntil(() => document.title !== 'loading', undefined);
  await pa.close();
  result.aCached = (await servingUntil(a.ui, (v) => v.cached >= 1)).cached;
  // Diagnostics: a background restart (Firefox suspends idle event pages) restarts A's node.
  const aStartedAt = (await a.ui.send<StatusView>({ type: 'ui-bg-get-status' })).startedAt;

  const b = await join(nameB);
  const t0 = Date.now();
  const st = await pollUntil(() => b.ui.send<StatusView>({ type: 'ui-bg-get-status' }), (s) => s.peers.peers >= 1, 45_000);
  result.meetMs = Date.now() - t0;
  result.bDirectPeers = st.peers.peers;
  result.bPeers = st.peers;
  // B's page loads the same file from another CDN, one whose response varies by Origin: Chromium
  // B cannot read it from its page's HTTP cache (a CORS read would miss and download again), so
  // it learns it from the LAN, which holds it only in A (Firefox B asks the LAN before the
  // response whatever the CDN sends). Had B's page loaded A's URL, Chromium B would read it from
  // its page's cache, first and cheapest, and nothing would cross the LAN.
  const since = Date.now();
  const pb = await b.browser.visit(VARYING_CDN_PAGE);
  await pb.waitUntil(() => document.title !== 'loading', undefined);
  result.bTitle = await pb.evaluate(() => document.title);
  const stats = await pollUntil(() => b.ui.send<StatsView>({ type: 'ui-bg-get-stats' }), (s) => s.total.lanBytesIn > 0);
  result.fetchMs = Date.now() - since;
  result.bLanBytesIn = stats.total.lanBytesIn;
  result.bLearnBytes = stats.total.learnBytes;
  result.bPageCacheBytes = stats.total.pageCacheBytes;
  result.aLanBytesOut = (await a.ui.send<StatsView>({ type: 'ui-bg-get-stats' })).total.lanBytesOut;
  const aNow = await a.ui.send<StatusView>({ type: 'ui-bg-get-status' });
  result.aRestarted = aNow.startedAt !== aStartedAt;
  result.peersAfter = { a: aNow.peers, b: (await b.ui.send<StatusView>({ type: 'ui-bg-get-status' })).peers };
  result.nodeBytesOut = node.snapshot().counters.bytesOut;
  result.originHitsFromB = origin.hits(JQUERY.varyingCdn.host, JQUERY.varyingCdn.path, since) + origin.hits(JQUERY.jsdelivr.host, JQUERY.jsdelivr.path, since);
} catch (e) {
  result.error = String(e);
} finally {
  for (const b of browsers) await b.close().catch(() => undefined);
  await office.close();
}
console.log(JSON.stringify(result));
process.exit(0);
