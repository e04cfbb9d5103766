// Runs INSIDE a loopback-only network namespace (webrtc.test.ts starts it): a LAN node, the test
// origin, and two headless Chromiums with the built extension. B finds A through the LAN node
// and fetches a file A learned straight from A over WebRTC. Prints one JSON line.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, type ChromiumSession } from '../../../scripts/browsers/chromium.ts';
import { CHROME_EXTENSION_ID } from '../../../scripts/browsers/paths.ts';
import { startLanNode } from '../../../src/node/lan-node.ts';
import { startOriginServer } from '../../support/origin-server.ts';
import { TEST_HOSTS } from '../../support/tls-cert.ts';
import { pollUntil } from '../support/poll.ts';
import { JQUERY, routeSharedAssets } from '../support/test-web.ts';

// Chromium hides LAN addresses behind mDNS names, which nothing resolves in this namespace; the
// policy an admin sets for PeerCache (docs/ADMIN.md) lets the extension use real host candidates.
const POLICY = '/etc/chromium/policies/managed/peercache-webrtc-e2e.json';
mkdirSync('/etc/chromium/policies/managed', { recursive: true });
writeFileSync(POLICY, JSON.stringify({ WebRtcLocalIpsAllowedUrls: [`chrome-extension://${CHROME_EXTENSION_ID}`] }));

const origin = await startOriginServer();
routeSharedAssets(origin);
const node = await startLanNode(
  { host: '127.0.0.1', tcpPort: 0, wsPort: 0, httpPort: 0, dataDir: mkdtempSync(join(tmpdir(), 'peercache-webrtc-')), cacheMB: 64, groupKey: '' },
  // The node never hosts files here, so B can only get them from A.
  { log: () => {}, mdns: false, pullEveryMs: 3_600_000 },
);
const ws = node.addresses().find((a) => a.includes('/ws/')) as string;
const sessions: ChromiumSession[] = [];
const result: Record<string, unknown> = {};
try {
  const ask = async (s: ChromiumSession, message: unknown): Promise<never> => {
    const page = await s.openExtensionPage('options.html');
    const answer = await page.evaluate((m) => chrome.runtime.sendMessage(m), message);
    await page.close();
    return answer as never;
  };
  const until = pollUntil;
  const join = async (): Promise<ChromiumSession> => {
    const s = await launchChromium({ loopbackHosts: TEST_HOSTS, extraArgs: ['--allow-loopback-in-peer-connection'] });
    sessions.push(s);
    await ask(s, { type: 'ui-bg-set-setting', name: 'lanNodes', value: [ws] });
    await until(() => ask(s, { type: 'ui-bg-get-status' }), (st: { peers: { lanNodes: number } }) => st.peers.lanNodes === 1);
    return s;
  };
  const a = await join();
  const pa = await a.context.newPage();
  await pa.goto('https://site-a.test/jquery.html');
  await until(() => ask(a, { type: 'ui-bg-get-serving' }), (v: { cached: number }) => v.cached >= 1);

  const b = await join();
  const t0 = Date.now();
  const st = await until(() => ask(b, { type: 'ui-bg-get-status' }), (s: { peers: { peers: number } }) => s.peers.peers >= 1, 45_000);
  result.bDirectPeers = (st as { peers: { peers: number } }).peers.peers;
  result.bPeers = (st as { peers: unknown }).peers;
  result.meetMs = Date.now() - t0;
  const since = Date.now();
  const pb = await b.context.newPage();
  await pb.goto('https://site-a.test/jquery.html');
  const stats = await until(() => ask(b, { type: 'ui-bg-get-stats' }), (s: { total: { lanBytesIn: number; learnBytes: number } }) => s.total.lanBytesIn > 0);
  result.bLanBytesIn = (stats as { total: { lanBytesIn: number } }).total.lanBytesIn;
  result.bLearnBytes = (stats as { total: { learnBytes: number } }).total.learnBytes;
  result.nodeBytesOut = node.snapshot().counters.bytesOut;
  result.originHitsFromB = origin.hits(JQUERY.jsdelivr.host, JQUERY.jsdelivr.path, since);
  // The LAN-only guard of RTCPeerConnection (src/p2p/lan-rtc.ts) saw the candidates exchanged.
  const candidates = async (s: ChromiumSession) => ((await ask(s, { type: 'ui-bg-get-status' })) as { peers: { remoteCandidates?: { accepted: number; refused: number } } }).peers.remoteCandidates;
  result.remoteCandidates = { a: await candidates(a), b: await candidates(b) };
} catch (e) {
  result.error = String(e);
} finally {
  for (const s of sessions) await s.close().catch(() => undefined);
  await node.stop();
  await origin.close();
  rmSync(POLICY, { force: true });
}
console.log(JSON.stringify(result));
process.exit(0);
