// Issue 9: a person who installs PeerCache and opens ordinary sites gets the web's common library
// files without a download on the FIRST visit, in a FRESH profile, and nothing breaks: the
// packaged set is answered by redirect rules that exist before any page loads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOriginServer, type OriginServer } from '../support/origin-server.ts';
import { TEST_HOSTS } from '../support/tls-cert.ts';
import { openBrowser, visitOutcome, type BrowserName, type ExtensionBrowser } from './support/extension-browser.ts';
import { FILES, routeFirstVisitWeb } from './support/first-visit-web.ts';
import { shipsFile } from '../../scripts/build/packaged.ts';
import { pollUntil } from './support/poll.ts';

let origin: OriginServer;
beforeAll(async () => {
  origin = await startOriginServer();
  routeFirstVisitWeb(origin);
});
afterAll(() => origin?.close());

const cdnHits = (since: number): Record<string, number> =>
  Object.fromEntries(Object.values(FILES).map((f) => [f.url, origin.hits(new URL(f.url).host, new URL(f.url).pathname, since)]).filter(([, n]) => n !== 0));

describe.each<BrowserName>(['chromium', 'firefox'])('first visits in %s', (name) => {
  let browser: ExtensionBrowser;
  let since: number;
  beforeAll(async () => {
    // A fresh profile: nothing learned, no page viewed, the background never asked anything.
    browser = await openBrowser(name, { loopbackHosts: TEST_HOSTS });
    since = Date.now();
  });
  afterAll(() => browser?.close());

  const titleOf = async (url: string): Promise<{ title: string; errors: string[] }> => {
    const { title, consoleErrors } = await visitOutcome(browser, url);
    return { title, errors: consoleErrors };
  };

  it('a news site: jQuery from code.jquery.com, Bootstrap 3.3.7 and its icon font from BootstrapCDN', async () => {
    const { title, errors } = await titleOf('https://news.test/');
    expect(title).toBe('news 3.4.1 function none loaded');
    expect(errors).toEqual([]);
  });

  it('a shop with a header CSP, SRI and crossorigin: jQuery from Google, Font Awesome 4.7 and its font from cdnjs', async () => {
    const { title, errors } = await titleOf('https://shop.test/');
    expect(title).toBe('shop 3.7.1 loaded FontAwesome');
    expect(errors).toEqual([]);
  });

  it("a blog with a <meta> CSP: jQuery from Microsoft's CDN, cdnjs (SRI) and jsDelivr", async () => {
    const { title, errors } = await titleOf('https://blog.test/');
    expect(title).toBe('blog 3.5.1 3.6.0 3.7.1');
    expect(errors).toEqual([]);
  });

  it('sent not one request to any CDN for those three first visits', () => {
    expect(cdnHits(since)).toEqual({});
  });

  it('jQuery 1.12.4: packaged in Chromium; in Firefox, whose add-on store bans jQuery < 3 in add-ons, downloaded', async () => {
    const before = Date.now();
    expect((await titleOf('https://news.test/old.html')).title).toBe('old 1.12.4');
    const shipped = shipsFile(name === 'chromium' ? 'chrome' : 'firefox', `pkg/${FILES.jquery1.packaged}`);
    expect(shipped).toBe(name === 'chromium');
    expect(cdnHits(before)).toEqual(shipped ? {} : { [FILES.jquery1.url]: 1 });
    since = Date.now();
  });

  it('obeys the settings: a blocked site, and the cache switched off, go to the network', async () => {
    const ui = await browser.page('options.html');
    const set = (name: string, value: unknown) => ui.send<{ ok: boolean }>({ type: 'ui-bg-set-setting', name, value });
    const hitsOf = async (url: string): Promise<number> => {
      const before = Date.now();
      await titleOf(url);
      return Object.values(cdnHits(before)).reduce((a, b) => a + b, 0);
    };
    expect((await set('blockedSites', ['shop.test'])).ok).toBe(true);
    // Font Awesome's stylesheet, its font and jQuery: from the CDNs, as without PeerCache.
    expect(await pollUntil(() => hitsOf('https://shop.test/'), (n) => n > 0)).toBe(3);
    expect(await hitsOf('https://blog.test/')).toBe(0);
    expect((await set('blockedSites', [])).ok).toBe(true);
    expect((await set('cacheEnabled', false)).ok).toBe(true);
    expect(await pollUntil(() => hitsOf('https://blog.test/'), (n) => n > 0)).toBe(3);
    expect((await set('cacheEnabled', true)).ok).toBe(true);
    // One view, after the background had time to turn the ruleset on (it takes milliseconds):
    // news.test never downloaded these files, so 0 means they were answered again.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await hitsOf('https://news.test/')).toBe(0);
    since = Date.now();
  });

  it("keeps the network's verdicts: a wrong integrity is refused, a CSP that does not name the CDN blocks it", async () => {
    expect((await titleOf('https://news.test/wrong-sri.html')).title).toBe('refused');
    expect((await titleOf('https://blog.test/csp-blocks.html')).title).toBe('blocked');
    expect(cdnHits(since)).toEqual({});
  });
});
