// The baseline every "without PeerCache" figure stands on: a browser without the extension keeps
// a site's files in its own HTTP cache for that site, and for that site only (caches are
// partitioned by top-level site). If the test harness disabled the cache (Chromium does for
// connections it was told to accept despite a certificate error), benchmarks would compare
// PeerCache against a browser that downloads everything every time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOriginServer, type OriginServer } from '../support/origin-server.ts';
import { TEST_HOSTS } from '../support/tls-cert.ts';
import { openBrowser, type BrowserName, type ExtensionBrowser } from './support/extension-browser.ts';
import { routeSharedAssets, WIDGET } from './support/test-web.ts';

let origin: OriginServer;
beforeAll(async () => {
  origin = await startOriginServer();
  routeSharedAssets(origin);
});
afterAll(() => origin?.close());

describe.each<BrowserName>(['chromium', 'firefox'])('%s without PeerCache', (name) => {
  let browser: ExtensionBrowser;
  beforeAll(async () => {
    browser = await openBrowser(name, { extension: false, loopbackHosts: TEST_HOSTS });
  });
  afterAll(() => browser?.close());

  const view = async (url: string): Promise<string> => {
    const page = await browser.visit(url);
    const title = await page.evaluate(() => document.title);
    await page.close();
    return title;
  };

  it("answers a site's second view of a cacheable file from its HTTP cache, in a new tab", async () => {
    const since = Date.now();
    expect(await view('https://site-a.test/widget.html')).toBe('widget 1');
    expect(await view('https://site-a.test/widget.html')).toBe('widget 1');
    expect(origin.hits(WIDGET.host, WIDGET.path, since)).toBe(1);
  });

  it('downloads the same file again for another site (the cache is partitioned)', async () => {
    const since = Date.now();
    expect(await view('https://site-b.test/widget.html')).toBe('widget 1');
    expect(origin.hits(WIDGET.host, WIDGET.path, since)).toBe(1);
  });
});
