// `npm start`: runs the built product on its embedded default — a fresh browser profile with
// the extension loaded and default settings — and opens its options page.
// Flags: --browser chromium|firefox (default chromium), --headless (default when no $DISPLAY),
//        --profile DIR (keep settings between runs).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium } from './browsers/chromium.ts';
import { launchFirefox } from './browsers/firefox.ts';
import { CHROME_EXTENSION_ID, OUTPUT } from './browsers/paths.ts';

/** Runs inside an extension page: asks the background for its status. */
const askStatus = (): Promise<unknown> =>
  (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).chrome.runtime.sendMessage({ type: 'ui-bg-get-status' });

const { values } = parseArgs({
  options: {
    browser: { type: 'string', default: 'chromium' },
    headless: { type: 'boolean', default: !process.env.DISPLAY },
    profile: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help || !['chromium', 'firefox'].includes(values.browser)) {
  console.log('usage: npm start -- [--browser chromium|firefox] [--headless] [--profile DIR]');
  process.exit(values.help ? 0 : 2);
}

const profileDir = values.profile ? (mkdirSync(values.profile, { recursive: true }), values.profile) : undefined;
const headless = values.headless;
mkdirSync(OUTPUT, { recursive: true });
const shot = join(OUTPUT, `start-${values.browser}-options.png`);

let close: () => Promise<void>;
let status: unknown;
if (values.browser === 'chromium') {
  const session = await launchChromium({ profileDir, headless });
  close = () => session.close();
  const page = await session.openExtensionPage('options.html');
  status = await page.evaluate(askStatus);
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`Chromium is running with PeerCache (extension id ${CHROME_EXTENSION_ID}).`);
} else {
  const session = await launchFirefox({ profileDir, headless });
  close = () => session.close();
  const page = await session.extensionTab();
  await page.waitForSelector('body.ready');
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
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
