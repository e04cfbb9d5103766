import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServingView, StatsView } from '../../src/extension/messages.ts';
import { startOriginServer, type OriginServer } from '../support/origin-server.ts';
import { TEST_HOSTS } from '../support/tls-cert.ts';
import { openBrowser, titleOf, type BrowserName, type ExtensionBrowser, type UiPage } from './support/extension-browser.ts';
import { servingUntil, viewUntilSafe } from './support/poll.ts';
import { JQUERY, LONG_WIDGET, routeSharedAssets, WIDGET } from './support/test-web.ts';

let origin: OriginServer;
beforeAll(async () => {
  origin = await startOriginServer();
  routeSharedAssets(origin);
});
afterAll(() => origin?.close());

describe.each<BrowserName>(['chromium', 'firefox'])('cross-site cache in %s', (name) => {
  let browser: ExtensionBrowser;
  let ui: UiPage;
  beforeAll(async () => {
    browser = await openBrowser(name, { loopbackHosts: TEST_HOSTS });
    ui = await browser.page('options.html');
  });
  afterAll(() => browser?.close());

  it('serves site B the list file site A downloaded, from both CDN URLs, without asking the origin', async () => {
    expect(await titleOf(browser, 'https://site-a.test/jquery.html')).toBe('jquery 3.7.1');
    // A second site loads it: now worth a second download in Chromium (learning-cost.ts).
    expect(await titleOf(browser, 'https://site-c.test/jquery.html')).toBe('jquery 3.7.1');
    const learned = await servingUntil(ui, (v) => v.servable >= 1);
    expect(learned.servable).toBeGreaterThanOrEqual(1);

    // Site B's first page shows PeerCache that its pages admit data: (no CSP).
    expect(await viewUntilSafe(browser, ui, 'site-b.test')).toBe(true);

    const since = Date.now();
    expect(await titleOf(browser, 'https://site-b.test/jquery.html')).toBe('both 3.7.1');
    expect(origin.hits(JQUERY.unpkg.host, JQUERY.unpkg.path, since)).toBe(0);
    expect(origin.hits(JQUERY.jsdelivr.host, JQUERY.jsdelivr.path, since)).toBe(0);

    const stats = await ui.send<StatsView>({ type: 'ui-bg-get-stats' });
    expect(stats.perSite['site-b.test']?.servedRequests).toBe(2);
    expect(stats.perSite['site-b.test']?.bytesSaved).toBe(2 * JQUERY.bytes.length);
  });

  it('shows site B\'s savings in the popup, and its per-site switch sends site B back to the network', async () => {
    const popup = await browser.page(`popup.html?url=${encodeURIComponent('https://site-b.test/jquery.html')}`);
    await popup.waitUntil(() => !(document.getElementById('site') as HTMLElement).hidden, undefined);
    const text = await popup.evaluate(() => document.getElementById('site-stats')?.textContent);
    expect(text).toBe(`On this site: 2 files served from the cache, ${(2 * JQUERY.bytes.length / 1000).toFixed(0)} kB not downloaded.`);
    await popup.screenshot('popup-site', 'body');
    await popup.click('#site-enabled');
    await popup.waitUntil(() => document.getElementById('site-stats')?.textContent === 'Paused on this site.', undefined);
    await servingUntil(ui, (v) => !(v.safeHosts.script ?? []).includes('site-b.test') || name === 'firefox');

    const since = Date.now();
    expect(await titleOf(browser, 'https://site-b.test/jquery.html')).toBe('both 3.7.1');
    expect(origin.hits(JQUERY.unpkg.host, JQUERY.unpkg.path, since) + origin.hits(JQUERY.jsdelivr.host, JQUERY.jsdelivr.path, since)).toBeGreaterThan(0);
    await popup.click('#site-enabled');
    await popup.waitUntil(() => (document.getElementById('site-enabled') as HTMLInputElement).checked, undefined);
  });

  it('lets a probing site learn nothing: a file only one site used still loads from the origin', async () => {
    expect(await titleOf(browser, 'https://site-a.test/widget.html')).toBe('widget 1');
    // Firefox copies the body as it passes (free); Chromium would have to download it again,
    // which it does not do for a file that could never be served (not popular, no LAN).
    if (name === 'firefox') await servingUntil(ui, (v) => v.cached >= 2);
    expect(await titleOf(browser, 'https://site-c.test/')).toBe('ready');
    await servingUntil(ui, (v) => v.safeHosts.script?.includes('site-c.test') ?? false);

    const since = Date.now();
    expect(await titleOf(browser, 'https://site-c.test/probe.html')).toMatch(/^probed \d+$/);
    expect(origin.hits(WIDGET.host, WIDGET.path, since)).toBe(1);
  });

  it('serves an asset it observed itself across sites once requirePopular is off', async () => {
    const before = await ui.send<ServingView>({ type: 'ui-bg-get-serving' });
    const set = await ui.send<{ ok: boolean }>({ type: 'ui-bg-set-setting', name: 'requirePopular', value: false });
    expect(set.ok).toBe(true);
    // Now worth learning in Chromium too: site A's next visit, and a second site's, teach it.
    expect(await titleOf(browser, 'https://site-a.test/widget.html')).toBe('widget 1');
    expect(await titleOf(browser, 'https://site-c.test/widget.html')).toBe('widget 1');
    await servingUntil(ui, (v) => v.servable > before.servable || name === 'firefox');

    const since = Date.now();
    expect(await titleOf(browser, 'https://site-b.test/widget.html')).toBe('widget 1');
    expect(origin.hits(WIDGET.host, WIDGET.path, since)).toBe(0);
  });

  it('serves an asset whose URL is too long for a regex rule', async () => {
    const before = await ui.send<ServingView>({ type: 'ui-bg-get-serving' });
    expect(`https://${LONG_WIDGET.host}${LONG_WIDGET.path}`.length).toBeGreaterThan(100);
    expect(await titleOf(browser, 'https://site-a.test/long.html')).toBe('long 1');
    expect(await titleOf(browser, 'https://site-c.test/long.html')).toBe('long 1');
    await servingUntil(ui, (v) => v.servable > before.servable || name === 'firefox');
    const since = Date.now();
    expect(await titleOf(browser, 'https://site-b.test/long.html')).toBe('long 1');
    expect(origin.hits(LONG_WIDGET.host, LONG_WIDGET.path, since)).toBe(0);
  });

  it('clears the cache from the options page after asking', async () => {
    const options = await browser.page('options.html');
    options.acceptDialogs();
    const before = await options.send<ServingView>({ type: 'ui-bg-get-serving' });
    expect(before.cached).toBeGreaterThan(0);
    await options.click('#clear-cache');
    await options.waitUntil(() => document.getElementById('data-result')?.textContent !== '', undefined);
    expect(await options.evaluate(() => document.getElementById('data-result')?.textContent)).toBe(`${before.cached} files removed from the cache.`);
    expect((await servingUntil(options, (v) => v.cached === 0 && v.servable === 0)).cached).toBe(0);
  });
});
