// `npm run store-assets`: the store listing images, made from the BUILT extension in real
// headless Chromium against the loopback test web (run `npm run build` first):
//   store-assets/screenshots/options-1280x800.png, popup-1280x800.png   (Chrome Web Store size)
//   store-assets/screenshots/lan-1280x800.png (LAN sharing at work: store-assets-lan.ts, run in
//     a loopback-only network namespace, so as root)
//   store-assets/promo-tile-440x280.png, store-assets/icon-128.png
// Usage: node scripts/store-assets.ts [output dir]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { startOriginServer } from '../test/support/origin-server.ts';
import { TEST_HOSTS } from '../test/support/tls-cert.ts';
import { routeSharedAssets } from '../test/e2e/support/test-web.ts';
import { launchChromium } from './browsers/chromium.ts';
import { ROOT } from './browsers/paths.ts';

const png = (b: Buffer): string => `data:image/png;base64,${b.toString('base64')}`;

/** Writes a 1280x800 picture of the page `pagePng` with the popup `popupPng` open over it, as a browser shows it. */
export async function composeWithPopup(ctx: BrowserContext, pagePng: Buffer, popupPng: Buffer, path: string): Promise<void> {
  const frame = await ctx.newPage();
  await frame.setViewportSize({ width: 1280, height: 800 });
  await frame.setContent(`<body style="margin:0;position:relative;width:1280px;height:800px;overflow:hidden">
    <img src="${png(pagePng)}" style="position:absolute;inset:0;width:1280px;height:800px;filter:brightness(.92)">
    <img src="${png(popupPng)}" style="position:absolute;top:16px;right:24px;border:1px solid #ccd;border-radius:8px;box-shadow:0 10px 30px rgba(0,0,0,.3);background:#fff"></body>`);
  await frame.screenshot({ path });
  await frame.close();
}

/**
 * Whether this machine can make a loopback-only network namespace (root and `unshare`), which
 * the LAN screenshot needs: its two browsers meet over WebRTC, and outside such a namespace ICE
 * would offer the machine's real address (platform-notes.md).
 */
export const canUnshare = process.getuid?.() === 0 && spawnSync('unshare', ['-n', 'true']).status === 0;

/** Runs store-assets-lan.ts in a fresh loopback-only namespace; returns the figures it showed. */
function makeLanScreenshot(path: string): Record<string, unknown> {
  const script = join(ROOT, 'scripts', 'store-assets-lan.ts');
  const stdout = execFileSync('unshare', ['-n', 'sh', '-c', `ip link set lo up && ip route add default dev lo src 127.0.0.1 && exec "${process.execPath}" "${script}" "${path}"`], {
    cwd: ROOT,
    timeout: 180_000,
    encoding: 'utf8',
  });
  const result = JSON.parse(stdout.trim().split('\n').at(-1) as string) as Record<string, unknown>;
  if (result.error || result.written !== path) throw new Error(`LAN screenshot: ${JSON.stringify(result)}`);
  return result;
}

/** Writes every listing image into `out`; returns their paths. */
export async function makeStoreAssets(out: string): Promise<string[]> {
  mkdirSync(join(out, 'screenshots'), { recursive: true });
  const written: string[] = [];
  const origin = await startOriginServer();
  routeSharedAssets(origin);
  const session = await launchChromium({ loopbackHosts: TEST_HOSTS });
  try {
    const ctx = session.context;
    // A realistic state: site A used jQuery, site B got it from PeerCache. The options page
    // first: it makes sure the extension's background is up before any page loads.
    const options = await session.openExtensionPage('options.html');
    await options.setViewportSize({ width: 1280, height: 800 });
    const until = async (ready: (v: { servable: number; safeHosts: Record<string, string[]> }) => boolean): Promise<void> => {
      for (let i = 0; i < 100; i++) {
        if (ready((await options.evaluate(() => chrome.runtime.sendMessage({ type: 'ui-bg-get-serving' }))) as never)) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('PeerCache did not get ready within 20 s');
    };
    const web = await ctx.newPage();
    await web.setViewportSize({ width: 1280, height: 800 });
    await web.goto('https://site-a.test/jquery.html');
    // A second site loads it too: Chromium learns a listed file once two sites use it.
    await web.goto('https://site-c.test/jquery.html');
    await until((v) => v.servable > 0);
    await web.goto('https://site-b.test/');
    await until((v) => v.safeHosts.script?.includes('site-b.test') ?? false);
    await web.goto('https://site-b.test/jquery.html');
    await web.evaluate(() => {
      document.body.style.font = '20px system-ui';
      document.body.insertAdjacentHTML('afterbegin', '<h1 style="margin:40px">site-b.test</h1><p style="margin:40px;max-width:760px">This page loads jQuery from unpkg and from jsDelivr. PeerCache served both from the copy that site-a.test downloaded: no download, bytes verified by their SHA-384.</p>');
    });

    const optionsShot = join(out, 'screenshots', 'options-1280x800.png');
    await options.screenshot({ path: optionsShot });
    written.push(optionsShot);

    const popup = await session.openExtensionPage(`popup.html?url=${encodeURIComponent('https://site-b.test/jquery.html')}`);
    await popup.setViewportSize({ width: 360, height: 420 });
    const popupPng = await popup.locator('body').screenshot();
    const pagePng = await web.screenshot();
    const popupShot = join(out, 'screenshots', 'popup-1280x800.png');
    await composeWithPopup(ctx, pagePng, popupPng, popupShot);
    written.push(popupShot);
  } finally {
    await session.close();
    await origin.close();
  }

  const lanShot = join(out, 'screenshots', 'lan-1280x800.png');
  if (canUnshare) {
    console.log(`LAN screenshot: ${JSON.stringify(makeLanScreenshot(lanShot))}`);
    written.push(lanShot);
  } else {
    console.warn('LAN screenshot skipped: it needs a loopback-only network namespace (root, unshare)');
  }

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const tile = await browser.newPage({ viewport: { width: 440, height: 280 } });
    const icon = png(readFileSync(join(ROOT, 'extension', 'icons', 'icon-128.png')));
    await tile.setContent(readFileSync(join(ROOT, 'store-assets', 'promo-tile.html'), 'utf8').replace('ICON', icon));
    const tileShot = join(out, 'promo-tile-440x280.png');
    await tile.screenshot({ path: tileShot });
    written.push(tileShot);
  } finally {
    await browser.close();
  }
  return written;
}

if (import.meta.main) {
  for (const path of await makeStoreAssets(process.argv[2] ?? join(ROOT, 'store-assets'))) console.log(`wrote ${path}`);
}
