// Issue 10, item 7, "faults": Chromium stops the extension's service worker whenever it likes,
// also while it is learning a large file (reading it from the page's cache, hashing it, writing
// it). Here the worker is stopped (DevTools protocol, as chrome://serviceworker-internals'
// "Stop" does) at several moments after pages that each load a 1.2 MB file: whatever the moment,
// the store then holds every learned file whole and verified or not at all, and the pages load.
// Chromium only: Firefox does not stop its event page mid-task (it suspends it when idle); what
// can end it mid-task there is the death of its extension process, which
// extension-process-killed.test.ts covers (the store is the same code in both:
// test/integration/store/interrupted-write.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CDPSession, Page } from 'playwright-core';
import { launchChromium, type ChromiumSession } from '../../scripts/browsers/chromium.ts';
import { startOriginServer, type OriginServer } from '../support/origin-server.ts';
import { TEST_HOSTS } from '../support/tls-cert.ts';
import { blobsInStore as readBlobs, sha384Key } from './support/store-blobs.ts';
import { CDN_HEADERS } from './support/test-web.ts';

/** Moments after a page's load at which the worker is stopped, in ms. */
const KILL_AFTER_MS = [0, 25, 60, 120, 250, 500];

const file = (i: number) => {
  const body = `window.loaded = 'big-${i}'; /* ${String(i).repeat(1_200_000)} */`;
  return { path: `/killed/big-${i}.js`, body, key: sha384Key(body) };
};
const FILES = KILL_AFTER_MS.map((_, i) => file(i));
const HOST = 'static.test';
const pageOf = (i: number) => ({
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  body: `<!doctype html><html><head><meta charset="utf-8"><title>loading</title></head><body><script src="https://${HOST}${FILES[i]!.path}"></script><script>document.title = 'loaded ' + window.loaded</script></body></html>`,
});

let origin: OriginServer;
let session: ChromiumSession;
let ui: Page;
let cdp: CDPSession;
/** Running status of the extension's worker, as the DevTools protocol last reported it. */
let running = 'unknown';
let stops = 0;

beforeAll(async () => {
  origin = await startOriginServer();
  FILES.forEach((f, i) => {
    origin.route(HOST, f.path, { headers: CDN_HEADERS, body: f.body });
    for (const site of ['site-a.test', 'site-b.test']) origin.route(site, `/big-${i}.html`, pageOf(i));
  });
  session = await launchChromium({ loopbackHosts: TEST_HOSTS });
  await session.serviceWorker();
  ui = await session.openExtensionPage('options.html');
  // Off-list files are learned once requirePopular is off.
  expect(await send({ type: 'ui-bg-set-setting', name: 'requirePopular', value: false })).toMatchObject({ ok: true });
  // The protocol's ServiceWorker domain sees the workers of the extension's own storage: attach
  // it to an extension page.
  cdp = await session.context.newCDPSession(ui);
  cdp.on('ServiceWorker.workerVersionUpdated', (e) => {
    for (const v of e.versions) {
      if (!v.scriptURL.endsWith('/background.js')) continue;
      // A stop goes running -> stopping -> stopped.
      if ((running === 'running' || running === 'stopping') && v.runningStatus === 'stopped') stops++;
      running = v.runningStatus;
    }
  });
  await cdp.send('ServiceWorker.enable');
}, 60_000);
afterAll(async () => {
  await session?.close();
  origin?.close();
});

function send(message: unknown): Promise<unknown> {
  return ui.evaluate((m) => (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).chrome.runtime.sendMessage(m), message);
}

async function visit(url: string): Promise<string> {
  const page = await session.context.newPage();
  try {
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => document.title !== 'loading', undefined, { timeout: 15_000 });
    return await page.title();
  } finally {
    await page.close();
  }
}

/** Every blob the store holds, read straight from IndexedDB in the extension's page. */
const blobsInStore = () => ui.evaluate(readBlobs);

describe('the service worker stopped while it learns large files', () => {
  it('leaves each file whole and verified or absent, and every page still loads', async () => {
    for (const [i, ms] of KILL_AFTER_MS.entries()) {
      expect(await visit(`https://site-a.test/big-${i}.html`)).toBe(`loaded big-${i}`);
      await new Promise((r) => setTimeout(r, ms));
      await cdp.send('ServiceWorker.stopAllWorkers');
    }
    // The worker really was stopped, again and again, while it had work.
    await expect.poll(() => stops, { timeout: 5_000 }).toBeGreaterThanOrEqual(KILL_AFTER_MS.length - 1);
    // Woken by a message; given time to finish whatever it picks up again.
    expect(await send({ type: 'ui-bg-get-status' })).toBeTruthy();
    await new Promise((r) => setTimeout(r, 3_000));

    const blobs = await blobsInStore();
    for (const b of blobs) {
      // Whole: metadata and bytes together, the size the metadata says, hashing to its key.
      expect(b).toEqual({ mh: b.mh, size: b.bytes, bytes: b.bytes, sha384: b.mh });
    }
    // Only the test's files can be there.
    for (const b of blobs) expect(FILES.map((f) => f.key)).toContain(b.mh);

    // Every page loads, on the site that learned and on another.
    for (const i of KILL_AFTER_MS.keys()) {
      expect(await visit(`https://site-a.test/big-${i}.html`)).toBe(`loaded big-${i}`);
      expect(await visit(`https://site-b.test/big-${i}.html`)).toBe(`loaded big-${i}`);
    }
    // And a file the store did not keep is learned again: the store still works.
    await expect.poll(async () => (await blobsInStore()).length, { timeout: 20_000 }).toBeGreaterThan(0);
    for (const b of await blobsInStore()) expect(b).toEqual({ mh: b.mh, size: b.bytes, bytes: b.bytes, sha384: b.mh });
  }, 180_000);
});
