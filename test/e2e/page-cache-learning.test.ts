// Issue 12, "never twice": Chromium cannot read a page's response, and its own download has its
// own HTTP cache partition, so learning a file used to download it a second time. Now it reads
// the file from the cache partition the page just filled, in that page's isolated world, when
// that is safe (core/serving/page-cache.ts): the origin serves the file once. Where it is not
// (cookies sent), learning downloads as before, where that pays back; a file no rule could answer
// (another origin's, without a CORS header) is never downloaded.
// Chromium only: Firefox copies the body as it passes (never a second download).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { Counters, ServingView, StatsView } from '../../src/extension/messages.ts';
import { startOriginServer, type OriginServer } from '../support/origin-server.ts';
import { TEST_HOSTS } from '../support/tls-cert.ts';
import { openBrowser, titleOf, type ExtensionBrowser, type UiPage } from './support/extension-browser.ts';
import { pollUntil, servingUntil, viewUntilSafe } from './support/poll.ts';
import { CDN_HEADERS } from './support/test-web.ts';

/** Off any list, from a CDN-like host: public, a year, any origin may read it. */
const script = (name: string, size: number) => {
  const body = `window.loaded = (window.loaded || []).concat('${name}'); /* ${'x'.repeat(size)} */`;
  // The store's key for these bytes: the sha384 multihash (code 0x20, 48 bytes), base64url.
  const sha384 = createHash('sha384').update(body).digest();
  const key = Buffer.concat([Buffer.from([0x20, 48]), sha384]).toString('base64url');
  return { path: `/page-cache/${name}-1.0.js`, body, key, sha384: sha384.toString('base64') };
};
const SHARED = { host: 'static.test', ...script('shared', 20_000) };
/** The same, but sent without Access-Control-Allow-Origin: a CORS read of it fails. */
const NO_CORS = { host: 'static.test', ...script('nocors', 30_000) };
/** Site A's own file, sent without ACAO: site A's page reads it (same origin). */
const OWN = { host: 'site-a.test', ...script('own', 25_000) };
/** Site A's own file, sent with ACAO *, but the page's request carries site A's cookie. */
const WITH_COOKIE = { host: 'site-a.test', ...script('cookie', 40_000) };

const html = (body: string, headers: Record<string, string> = {}) => ({
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers },
  body: `<!doctype html><html><head><meta charset="utf-8"><title>loading</title></head><body>${body}</body></html>`,
});
const page = (file: { host: string; path: string }) =>
  html(`<script src="https://${file.host}${file.path}"></script><script>document.title = 'loaded ' + (window.loaded || []).join(' ')</script>`);

let origin: OriginServer;
beforeAll(async () => {
  origin = await startOriginServer();
  origin.route(SHARED.host, SHARED.path, { headers: CDN_HEADERS, body: SHARED.body });
  const { 'access-control-allow-origin': _, ...noAcao } = CDN_HEADERS;
  origin.route(NO_CORS.host, NO_CORS.path, { headers: noAcao, body: NO_CORS.body });
  origin.route(WITH_COOKIE.host, WITH_COOKIE.path, { headers: CDN_HEADERS, body: WITH_COOKIE.body });
  origin.route(OWN.host, OWN.path, { headers: noAcao, body: OWN.body });
  origin.route('site-a.test', '/own.html', page(OWN));
  for (const site of ['site-a.test', 'site-b.test', 'site-c.test']) {
    origin.route(site, '/', html(`<h1>${site}</h1><script>document.title = 'ready'</script>`));
    origin.route(site, '/shared.html', page(SHARED));
    origin.route(site, '/nocors.html', page(NO_CORS));
  }
  // Site A's page sets a cookie; its own script's request then carries it.
  origin.route('site-a.test', '/cookie.html', { ...page(WITH_COOKIE), headers: { ...page(WITH_COOKIE).headers, 'set-cookie': 'sid=1; Secure; SameSite=None; Path=/' } });
  origin.route('site-c.test', '/cookie.html', page(WITH_COOKIE));
});
afterAll(() => origin?.close());

describe("Chromium learns from the page's own HTTP cache", () => {
  let browser: ExtensionBrowser;
  let ui: UiPage;
  beforeAll(async () => {
    // A fresh profile; off-list files are learned once requirePopular is off (or with a LAN).
    browser = await openBrowser('chromium', { loopbackHosts: TEST_HOSTS });
    ui = await browser.page('options.html');
    expect((await ui.send<{ ok: boolean }>({ type: 'ui-bg-set-setting', name: 'requirePopular', value: false })).ok).toBe(true);
  });
  afterAll(() => browser?.close());

  const hits = (f: { host: string; path: string }): number => origin.hits(f.host, f.path);
  /** The URL's observed binding in the extension's store, and the sha384 of the bytes it names. */
  const stored = (url: string): Promise<{ key?: string; bytesSha384?: string }> =>
    ui.evaluate(async (u) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('peercache');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const get = <T,>(table: string, index: string | undefined, key: IDBValidKey): Promise<T | undefined> =>
        new Promise((resolve, reject) => {
          const store = db.transaction(table).objectStore(table);
          const q = (index ? store.index(index) : store).get(key);
          q.onsuccess = () => resolve(q.result as T | undefined);
          q.onerror = () => reject(q.error);
        });
      const binding = await get<{ mh: string }>('bindings', 'url', u);
      const blob = binding && (await get<{ bytes: Uint8Array<ArrayBuffer> }>('blobBytes', undefined, binding.mh));
      const digest = blob && new Uint8Array(await crypto.subtle.digest('SHA-384', blob.bytes));
      db.close();
      return { key: binding?.mh, bytesSha384: digest && btoa(String.fromCharCode(...digest)) };
    }, url);
  const siteStats = async (site: string): Promise<Counters | undefined> => (await ui.send<StatsView>({ type: 'ui-bg-get-stats' })).perSite[site];

  it('learns a file on its first visit without a second download: the origin served it once', async () => {
    expect(await titleOf(browser, 'https://site-a.test/shared.html')).toBe('loaded shared');
    const learned = await pollUntil(() => siteStats('site-a.test'), (s) => (s?.pageCacheBytes ?? 0) > 0);
    expect(learned).toMatchObject({ pageCacheBytes: SHARED.body.length, learnBytes: 0 });
    // Bound to the sha384 of the origin's bytes, and those bytes stored.
    const file = await stored(`https://${SHARED.host}${SHARED.path}`);
    expect(file.key).toBe(SHARED.key);
    expect(file.bytesSha384).toBe(SHARED.sha384);
    // Time for any late download to show.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(hits(SHARED)).toBe(1);
  });

  it('serves those bytes to another site (they were the file: its hash bound the URL)', async () => {
    await servingUntil(ui, (v) => v.servable >= 1);
    expect(await viewUntilSafe(browser, ui, 'site-b.test')).toBe(true);
    expect(await titleOf(browser, 'https://site-b.test/shared.html')).toBe('loaded shared');
    expect(hits(SHARED)).toBe(1);
  });

  it('never downloads another origin\'s file sent without Access-Control-Allow-Origin: no rule could ever answer it', async () => {
    const cached = (await ui.send<ServingView>({ type: 'ui-bg-get-serving' })).cached;
    expect(await titleOf(browser, 'https://site-a.test/nocors.html')).toBe('loaded nocors');
    // Two sites: without this rule, learning downloaded it a second time here.
    expect(await titleOf(browser, 'https://site-c.test/nocors.html')).toBe('loaded nocors');
    await new Promise((r) => setTimeout(r, 1_500));
    expect(hits(NO_CORS)).toBe(2);
    expect((await stored(`https://${NO_CORS.host}${NO_CORS.path}`)).key).toBeUndefined();
    expect((await ui.send<ServingView>({ type: 'ui-bg-get-serving' })).cached).toBe(cached);
  });

  it("learns a site's own file without a CORS header from that site's page cache (same origin), for free", async () => {
    expect(await titleOf(browser, 'https://site-a.test/own.html')).toBe('loaded own');
    const learned = await pollUntil(() => siteStats('site-a.test'), (s) => (s?.pageCacheBytes ?? 0) > SHARED.body.length);
    expect(learned).toMatchObject({ pageCacheBytes: SHARED.body.length + OWN.body.length, learnBytes: 0 });
    expect((await stored(`https://${OWN.host}${OWN.path}`)).bytesSha384).toBe(OWN.sha384);
    expect(hits(OWN)).toBe(1);
  });

  it("never reads what a page's request with cookies filled: downloads anonymously instead, where that pays back", async () => {
    const cached = (await ui.send<ServingView>({ type: 'ui-bg-get-serving' })).cached;
    expect(await titleOf(browser, 'https://site-a.test/cookie.html')).toBe('loaded cookie');
    const cookieSent = origin.seen.filter((s) => s.path === WITH_COOKIE.path).map((s) => /sid=1/.test(s.headers.cookie ?? ''));
    expect(cookieSent).toEqual([true]);
    await new Promise((r) => setTimeout(r, 1_000));
    // Not read (nothing more learned from a page's cache), and one site so far: not downloaded.
    expect({ hits: hits(WITH_COOKIE), pageCacheBytes: (await siteStats('site-a.test'))?.pageCacheBytes, cached: (await ui.send<ServingView>({ type: 'ui-bg-get-serving' })).cached })
      .toEqual({ hits: 1, pageCacheBytes: SHARED.body.length + OWN.body.length, cached });
    expect(await titleOf(browser, 'https://site-c.test/cookie.html')).toBe('loaded cookie');
    await servingUntil(ui, (v) => v.cached > cached);
    // Site C's request: sent without the cookie (this Chromium blocks third-party cookies), site
    // C's own cache is read; sent with it, the file is downloaded anonymously. Never both.
    const sentAtC = origin.seen.filter((s) => s.path === WITH_COOKIE.path).map((s) => /sid=1/.test(s.headers.cookie ?? ''))[1];
    const atC = await pollUntil(() => siteStats('site-c.test'), (c) => (c?.pageCacheBytes ?? 0) + (c?.learnBytes ?? 0) > 0);
    expect(atC).toMatchObject(sentAtC ? { learnBytes: WITH_COOKIE.body.length, pageCacheBytes: 0 } : { learnBytes: 0, pageCacheBytes: WITH_COOKIE.body.length });
    expect(hits(WITH_COOKIE)).toBe(sentAtC ? 3 : 2);
  });
});
