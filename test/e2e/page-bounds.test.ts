// A page that loads `junk.js?i=1` … `?i=2300` (issue 10, item 2): every variant is a URL the
// extension may learn, and each would be a binding row for ever. The built extension keeps a
// site's bindings to MAX_BINDINGS_PER_SITE, and the page loads every one of its scripts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BINDINGS_PER_SITE } from '../../src/store/bindings.ts';
import { startOriginServer, type OriginServer } from '../support/origin-server.ts';
import { TEST_HOSTS } from '../support/tls-cert.ts';
import { openBrowser, type BrowserName, type ExtensionBrowser, type UiPage } from './support/extension-browser.ts';
import { pollUntil } from './support/poll.ts';

const VARIANTS = MAX_BINDINGS_PER_SITE + 300;

let origin: OriginServer;
beforeAll(async () => {
  origin = await startOriginServer();
  // Cacheable by anyone: admission takes every variant.
  origin.route('static.test', '/junk.js', {
    headers: { 'content-type': 'text/javascript', 'cache-control': 'public, max-age=86400', 'access-control-allow-origin': '*' },
    body: `window.junk = (window.junk || 0) + 1; /* ${'j'.repeat(500)} */`,
  });
  // Eight at a time, as a page's burst would, until all have run.
  origin.route('site-a.test', '/many.html', {
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    body: `<!doctype html><html><head><meta charset="utf-8"><title>loading</title></head><body><script>
      let next = 0;
      const one = () => new Promise((done) => {
        const s = document.createElement('script');
        s.src = 'https://static.test/junk.js?i=' + next++;
        s.onload = s.onerror = done;
        document.head.append(s);
      });
      // After load: scripts added before it would hold the load event (and the test's visit) back.
      addEventListener('load', async () => {
        while (next < ${VARIANTS}) await Promise.all(Array.from({ length: Math.min(8, ${VARIANTS} - next) }, one));
        document.title = 'ran ' + window.junk;
      });
    </script></body></html>`,
  });
});
afterAll(() => origin?.close());

/** Bindings a site's pages made, read from the extension's own IndexedDB by its options page. */
const bindingsOf = (ui: UiPage, site: string): Promise<number> =>
  ui.evaluate(
    (s) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('peercache');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const all = db.transaction('bindings').objectStore('bindings').getAll();
          all.onsuccess = () => {
            resolve((all.result as { site?: string }[]).filter((b) => b.site === s).length);
            db.close();
          };
          all.onerror = () => reject(all.error);
        };
      }),
    site,
  );

describe.each<BrowserName>(['chromium', 'firefox'])('a page making %s learn thousands of ?i=N variants', (name) => {
  let browser: ExtensionBrowser;
  let ui: UiPage;
  beforeAll(async () => {
    browser = await openBrowser(name, { loopbackHosts: TEST_HOSTS });
    ui = await browser.page('options.html');
  });
  afterAll(() => browser?.close());

  it(`runs all ${VARIANTS} scripts and the store keeps at most ${MAX_BINDINGS_PER_SITE} bindings of the site`, async () => {
    const page = await browser.visit('https://site-a.test/many.html');
    await page.waitUntil(() => document.title.startsWith('ran'), undefined, 150_000);
    expect(await page.evaluate(() => document.title)).toBe(`ran ${VARIANTS}`);
    await page.close();
    // Learning trails the page; the count settles when it has caught up (or stays put).
    let last = -1;
    const settled = await pollUntil(async () => {
      const before = last;
      await new Promise((r) => setTimeout(r, 2_000));
      last = await bindingsOf(ui, 'site-a.test');
      return { before, now: last };
    }, (v) => v.now === v.before, 120_000);
    expect(settled.now).toBeLessThanOrEqual(MAX_BINDINGS_PER_SITE);
    // Firefox copies each body it may (16 at a time): it learns more variants than the cap,
    // so the cap itself is what holds the count (measured: exactly 2,000). Chromium, with one
    // site, no LAN and requirePopular on, learns none of them (learning would never pay back,
    // learning-cost.ts; measured: 0), so there this shows only that the page is unaffected.
    if (name === 'firefox') expect(settled.now).toBe(MAX_BINDINGS_PER_SITE);
    console.info(`${name}: ${settled.now} bindings of site-a.test after ${VARIANTS} variants`);
  }, 300_000);
});
