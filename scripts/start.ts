// `npm start`: runs the built product on its embedded default — a fresh browser profile with
// the extension loaded and default settings — and opens its options page.
// Flags: --browser chromium|firefox (default chromium), --headless (default when no $DISPLAY),
//        --profile DIR (keep settings between runs).
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium } from './browsers/chromium.ts';
import { launchFirefox } from './browsers/firefox.ts';
import { CHROME_EXTENSION_ID, OUTPUT } from './browsers/paths.ts';
import { startLanNode, type LanNode } from '../src/node/lan-node.ts';

/** Runs inside an extension page: asks the background for its status. */
const askStatus = (): Promise<unknown> =>
  (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).chrome.runtime.sendMessage({ type: 'ui-bg-get-status' });

const { values } = parseArgs({
  options: {
    browser: { type: 'string', default: 'chromium' },
    headless: { type: 'boolean', default: !process.env.DISPLAY },
    profile: { type: 'string' },
    'no-lan-node': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help || !['chromium', 'firefox'].includes(values.browser)) {
  console.log('usage: npm start -- [--browser chromium|firefox] [--headless] [--profile DIR] [--no-lan-node]');
  process.exit(values.help ? 0 : 2);
}

const profileDir = values.profile ? (mkdirSync(values.profile, { recursive: true }), values.profile) : undefined;
const headless = values.headless;
mkdirSync(OUTPUT, { recursive: true });
const shot = join(OUTPUT, `start-${values.browser}-options.png`);

// The embedded default LAN node: loopback only, ports chosen by the system, data in a temp dir.
let node: LanNode | undefined;
let lanNode: string | undefined;
if (!values['no-lan-node']) {
  node = await startLanNode(
    { host: '127.0.0.1', tcpPort: 0, wsPort: 0, httpPort: 0, dataDir: mkdtempSync(join(tmpdir(), 'peercache-start-node-')), cacheMB: 1024, groupKey: '' },
    { log: (line) => console.log(`LAN node: ${line}`), mdns: false },
  );
  lanNode = node.addresses().find((a) => a.includes('/ws/'));
}

/** Runs inside an extension page: points the extension at the embedded LAN node. */
const useLanNode = (addr: string): Promise<unknown> =>
  (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).chrome.runtime.sendMessage({ type: 'ui-bg-set-setting', name: 'lanNodes', value: [addr] });

let close: () => Promise<void>;
let status: unknown;
if (values.browser === 'chromium') {
  const session = await launchChromium({ profileDir, headless });
  close = () => session.close();
  const page = await session.openExtensionPage('options.html');
  if (lanNode) await page.evaluate(useLanNode, lanNode);
  await new Promise((r) => setTimeout(r, 1500));
  status = await page.evaluate(askStatus);
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`Chromium is running with PeerCache (extension id ${CHROME_EXTENSION_ID}).`);
} else {
  const session = await launchFirefox({ profileDir, headless });
  close = () => session.close();
  const page = await session.extensionTab();
  await page.waitForSelector('body.ready');
  if (lanNode) await page.evaluate(useLanNode, lanNode);
  await new Promise((r) => setTimeout(r, 1500));
  status = await page.evaluate(askStatus);
  await page.screenshot({ path: shot, fullPage: true });
  console.log('Firefox ESR is running with PeerCache (temporary add-on peercache@peercache.dev).');
}
console.log(`Background status: ${JSON.stringify(status)}`);
console.log(`Options page ${headless ? 'rendered headless' : 'open'}; screenshot: ${shot}`);
console.log('Press Ctrl-C to stop.');

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await close().catch(() => undefined);
  await node?.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
