import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOriginServer, type OriginServer } from '../support/origin-server.ts';
import { TEST_HOSTS } from '../support/tls-cert.ts';
import { CORPUS, currentMutableVersion, routeCorpus } from './support/corpus.ts';
import { openBrowser, visitOutcome, type BrowserName, type ExtensionBrowser, type UiPage } from './support/extension-browser.ts';
import { servingUntil } from './support/poll.ts';
import { routeSharedAssets } from './support/test-web.ts';

// Late console errors (a failed subresource reports after load) get 300 ms.
const outcome = (browser: ExtensionBrowser, url: string) => visitOutcome(browser, url, 300, 15_000);

let origin: OriginServer;
beforeAll(async () => {
  origin = await startOriginServer();
  routeSharedAssets(origin);
  routeCorpus(origin);
});
afterAll(() => origin?.close());

describe.each<BrowserName>(['chromium', 'firefox'])('never break a page in %s', (name) => {
  let withExt: ExtensionBrowser;
  let without: ExtensionBrowser;
  let ui: UiPage;
  beforeAll(async () => {
    [withExt, without] = await Promise.all([
      openBrowser(name, { loopbackHosts: TEST_HOSTS }),
      openBrowser(name, { loopbackHosts: TEST_HOSTS, extension: false }),
    ]);
    ui = await withExt.page('options.html');
    // The worst case: every cacheable file is a candidate, not only popular ones.
    await ui.send({ type: 'ui-bg-set-setting', name: 'requirePopular', value: false });
    expect((await outcome(withExt, 'https://site-a.test/warm.html')).title).toBe('warm');
    expect((await outcome(withExt, 'https://site-c.test/warm.html')).title).toBe('warm');
    await servingUntil(ui, (v) => v.cached >= 5);
    // Every corpus site has been seen once (its CSP known), except the first-visit one.
    for (const host of ['site-b.test', 'csp-strict.test', 'csp-data.test']) await outcome(withExt, `https://${host}/`).catch(() => undefined);
    // The corpus's 'CSP allowing data:' page is served by data: only if this view counted.
    expect((await servingUntil(ui, (v) => v.safeHosts.script?.includes('csp-data.test') ?? false)).safeHosts.script).toContain('csp-data.test');
  });
  afterAll(async () => {
    await withExt?.close();
    await without?.close();
  });

  for (const page of CORPUS) {
    it(`${page.name}: same result and console errors as without PeerCache`, async () => {
      const expected = await outcome(without, page.url);
      const since = Date.now();
      const actual = await outcome(withExt, page.url);
      expect(actual).toEqual(expected);
      expect(actual.title).not.toBe('loading');
      // The comparison means something only if PeerCache did act where it should.
      const hits = page.assets.map((u) => origin.hits(new URL(u).hostname, new URL(u).pathname, since));
      if (page.servedLocally[name]) expect(hits.every((h) => h === 0)).toBe(true);
      else expect(hits.some((h) => h > 0)).toBe(true);
    });
  }

  it('a mutable (no-cache) URL whose bytes change between visits shows the new bytes', async () => {
    const first = await outcome(withExt, 'https://site-a.test/mutable.html');
    const second = await outcome(withExt, 'https://site-b.test/mutable.html');
    expect(first.title).toMatch(/^mutable \d+$/);
    expect(second.title).toBe(`mutable ${currentMutableVersion()}`);
    expect(second.title).not.toBe(first.title);
  });
});
