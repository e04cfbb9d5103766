// The content script's report (meta CSPs, integrity attributes) reaches the background in both
// browsers. It is sent with the browser's own runtime, not webextension-polyfill (issue 11,
// size: platform/content-messaging.ts), while the background listens through the polyfill.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServingView } from '../../src/extension/messages.ts';
import { startOriginServer, type OriginServer } from '../support/origin-server.ts';
import { TEST_HOSTS } from '../support/tls-cert.ts';
import { openBrowser, titleOf, type BrowserName, type ExtensionBrowser, type UiPage } from './support/extension-browser.ts';
import { pollUntil, servingUntil, viewUntilSafe } from './support/poll.ts';
import { routeSharedAssets, WIDGET } from './support/test-web.ts';

const page = (head: string, body: string) => ({
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  body: `<!doctype html><html><head><meta charset="utf-8">${head}<title>loading</title></head><body>${body}</body></html>`,
});

let origin: OriginServer;
beforeAll(async () => {
  origin = await startOriginServer();
  routeSharedAssets(origin);
  // Only the <meta> says no to data: (no CSP header): only the content script can tell.
  origin.route('site-a.test', '/meta-csp.html', page(`<meta http-equiv="Content-Security-Policy" content="script-src 'self' 'unsafe-inline'">`, `<script>document.title = 'meta csp'</script>`));
  // A page that expects other bytes than the widget's: SRI refuses the file, and the report
  // casts doubt on what PeerCache learned for that URL (cache/integrity-report.ts).
  origin.route('site-c.test', '/other-integrity.html', page('', `<script src="https://${WIDGET.host}${WIDGET.path}" integrity="sha384-${'A'.repeat(64)}" crossorigin="anonymous" onerror="document.title = 'refused'" onload="document.title = 'ran'"></script>`));
});
afterAll(() => origin?.close());

describe.each<BrowserName>(['chromium', 'firefox'])('the content script report in %s', (name) => {
  let browser: ExtensionBrowser;
  let ui: UiPage;
  beforeAll(async () => {
    browser = await openBrowser(name, { loopbackHosts: TEST_HOSTS });
    ui = await browser.page('options.html');
  });
  afterAll(() => browser?.close());

  it("carries a page's <meta> CSP: a site whose page refuses data: stops getting data: answers", async () => {
    // A page with no CSP at all: its report makes the site data:-safe.
    expect(await viewUntilSafe(browser, ui, 'site-a.test')).toBe(true);
    // Kept open: the report is sent once the document is idle, after the page set its title.
    const meta = await browser.visit('https://site-a.test/meta-csp.html');
    await meta.waitUntil(() => document.title === 'meta csp', undefined);
    const after = await servingUntil(ui, (v) => !(v.safeHosts.script ?? []).includes('site-a.test'));
    await meta.close();
    expect(after.safeHosts.script ?? []).not.toContain('site-a.test');
  });

  it("carries a page's integrity attributes: bytes a page contradicts are no longer served to other sites", async () => {
    await ui.send({ type: 'ui-bg-set-setting', name: 'requirePopular', value: false });
    const before = await ui.send<ServingView>({ type: 'ui-bg-get-serving' });
    // Learned from two sites' visits (Chromium downloads it again to learn, Firefox copies it).
    // Not site B's: its own HTTP cache would then answer it whatever PeerCache does.
    expect(await titleOf(browser, 'https://site-a.test/widget.html')).toBe('widget 1');
    expect(await titleOf(browser, 'https://site-c.test/widget.html')).toBe('widget 1');
    const learned = await servingUntil(ui, (v) => v.servable > before.servable);
    expect(learned.servable).toBeGreaterThan(before.servable);
    expect(await viewUntilSafe(browser, ui, 'site-b.test')).toBe(true);
    let since = Date.now();
    expect(await titleOf(browser, 'https://site-b.test/widget.html')).toBe('widget 1');
    expect(origin.hits(WIDGET.host, WIDGET.path, since)).toBe(0);

    const contradicting = await browser.visit('https://site-c.test/other-integrity.html');
    await contradicting.waitUntil(() => document.title === 'refused', undefined);
    // Once the report is handled, site B's next view goes to the origin for the widget.
    since = Date.now();
    const hits = await pollUntil(async () => {
      expect(await titleOf(browser, 'https://site-b.test/widget.html')).toBe('widget 1');
      return origin.hits(WIDGET.host, WIDGET.path, since);
    }, (n) => n > 0, 10_000);
    await contradicting.close();
    expect(hits).toBeGreaterThan(0);
  });
});
