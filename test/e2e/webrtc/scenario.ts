// Runs INSIDE a loopback-only network namespace (webrtc.test.ts starts it): a LAN node, the test
// origin, and two headless browsers with the built extension. Browser A (argv[2], default
// chromium) learns a file; browser B (argv[3], default firefox) starts later, finds A through the
// LAN node and fetches the file straight from A over WebRTC (libp2p in Chromium's offscreen
// document, Firefox's background page). Prints one JSON line.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROME_EXTENSION_ID } from '../../../scripts/browsers/paths.ts';
import type { StatsView, StatusView } from '../../../src/extension/messages.ts';
import { startLanNode } from '../../../src/node/lan-node.ts';
import { startOriginServer } from '../../support/origin-server.ts';
import { TEST_HOSTS } from '../../support/tls-cert.ts';
import { openBrowser, type BrowserName, type ExtensionBrowser, type UiPage } from '../support/extension-browser.ts';
import { pollUntil, servingUntil, statusUntil } from '../support/poll.ts';
import { JQUERY, routeSharedAssets } from '../support/test-web.ts';

const nameA = (process.argv[2] ?? 'chromium') as BrowserName;
const nameB = (process.argv[3] ?? 'firefox') as BrowserName;

// Chromium hides LAN addresses behind mDNS names, which nothing resolves in this namespace; the
// policy an admin sets for PeerCache (docs/ADMIN.md) lets the extension use real host candidates.
// The file name is this scenario's own: policy files are machine-wide and other tests write theirs.
const POLICY = '/etc/chromium/policies/managed/peercache-webrtc-e2e.json';
mkdirSync('/etc/chromium/policies/managed', { recursive: true });
writeFileSync(POLICY, JSON.stringify({ WebRtcLocalIpsAllowedUrls: [`chrome-extension://${CHROME_EXTENSION_ID}`] }));

const origin = await startOriginServer();
routeSharedAssets(origin);
const node = await startLanNode(
  // No room to host anything: a node takes in what a member learns as soon as it is told, and B
  // asks LAN nodes first, so with room B would get the file from the node. Here only A has it.
  { host: '127.0.0.1', tcpPort: 0, wsPort: 0, httpPort: 0, dataDir: mkdtempSync(join(tmpdir(), 'peercache-webrtc-')), cacheMB: 0, groupKey: '' },
  { log: () => {}, mdns: false, pullEveryMs: 3_600_000 },
);
const ws = node.addresses().find((a) => a.includes('/ws/')) as string;
const browsers: ExtensionBrowser[] = [];
const result: Record<string, unknown> = { a: nameA, b: nameB };
try {
  const join = async (name: BrowserName): Promise<{ browser: ExtensionBrowser; ui: UiPage }> => {
    const browser = await openBrowser(name, {
      loopbackHosts: TEST_HOSTS,
      // Chromium skips `lo` in ICE without this flag (platform-notes.md).
      extraArgs: ['--allow-loopback-in-peer-connection'],
      // Firefox: offer loopback host candidates, as real IPs rather than mDNS names.
      prefs: { 'media.peerconnection.ice.loopback': true, 'media.peerconnection.ice.obfuscate_host_addresses': false },
    });
    browsers.push(browser);
    const ui = await browser.page('options.html');
    await ui.send({ type: 'ui-bg-set-setting', name: 'lanNodes', value: [ws] });
    await statusUntil(ui, (s) => s.peers.lanNodes === 1);
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
  const since = Date.now();
  const pb = await b.browser.visit('https://site-a.test/jquery.html');
  await pb.waitUntil(() => document.title !== 'loading', undefined);
  result.bTitle = await pb.evaluate(() => document.title);
  const stats = await pollUntil(() => b.ui.send<StatsView>({ type: 'ui-bg-get-stats' }), (s) => s.total.lanBytesIn > 0);
  result.fetchMs = Date.now() - since;
  result.bLanBytesIn = stats.total.lanBytesIn;
  result.bLearnBytes = stats.total.learnBytes;
  result.aLanBytesOut = (await a.ui.send<StatsView>({ type: 'ui-bg-get-stats' })).total.lanBytesOut;
  const aNow = await a.ui.send<StatusView>({ type: 'ui-bg-get-status' });
  result.aRestarted = aNow.startedAt !== aStartedAt;
  result.peersAfter = { a: aNow.peers, b: (await b.ui.send<StatusView>({ type: 'ui-bg-get-status' })).peers };
  result.nodeBytesOut = node.snapshot().counters.bytesOut;
  result.originHitsFromB = origin.hits(JQUERY.jsdelivr.host, JQUERY.jsdelivr.path, since);
} catch (e) {
  result.error = String(e);
} finally {
  for (const b of browsers) await b.close().catch(() => undefined);
  await node.stop();
  await origin.close();
  rmSync(POLICY, { force: true });
}
console.log(JSON.stringify(result));
process.exit(0);
