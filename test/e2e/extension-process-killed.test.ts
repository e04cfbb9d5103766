// Issue 10, item 7, "faults", in Firefox. Firefox runs every extension's pages, its background
// page included, in one "extension" content process, which can die at any moment (crash, OOM
// kill): here it is killed with SIGKILL at several moments after pages that each load a 1.2 MB
// file, which the background copies as it streams (filterResponseData), hashes and writes.
// What Firefox ESR 153 does (measured here, and read in its ext-backgroundPage.js and
// Extension.sys.mjs): it starts a new extension process within ~0.2 s and primes the
// background's listeners again, so the next event (a page's request, a message) starts the
// background; after MORE THAN 5 crashes in 30 s (prefs extensions.webextensions.crash.threshold
// and .timeframe) it stops priming them, and on desktop nothing turns that back on: PeerCache
// stays down, pages load without it, until Firefox restarts. A response whose body the dead
// process was copying is cancelled by Firefox (its filter broke): that page misses that file
// until it is loaded again (cut in each of 3 runs). Nothing in the extension can change either
// (it is the process that died). On this machine a file is stored by the time its page's load
// reaches the test, so the kills after load found each file whole (5 of 5 kept in 3 runs): they
// prove the background comes back, not a torn write; test/integration/store/interrupted-write
// covers a write cut short. The extension process is found by its name (/proc/<pid>/comm is
// "WebExtensions"; its command line says "tab" like every content process). Chromium:
// worker-killed.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIREFOX_EXTENSION_UUID, launchFirefox, type FirefoxSession } from '../../scripts/browsers/firefox.ts';
import { startOriginServer, type OriginServer } from '../support/origin-server.ts';
import { TEST_HOSTS } from '../support/tls-cert.ts';
import { blobsInStore, sha384Key, type BlobCheck } from './support/store-blobs.ts';
import { CDN_HEADERS } from './support/test-web.ts';

/** Moments after a page's load at which the process is killed, in ms: five, since a sixth crash in 30 s ends the background. */
const KILL_AFTER_MS = [0, 30, 80, 150, 300];
/** Files 0-4: killed after; 5: learned after recovery; 6: killed while streaming; 7-9: the crash threshold; 10: after a restart. */
const FILE_COUNT = 11;
const STREAMING = 6;
const file = (i: number) => {
  const body = `window.loaded = 'big-${i}'; /* ${String(i % 10).repeat(1_200_000)} */`;
  return { path: `/killed/big-${i}.js`, body: Buffer.from(body), key: sha384Key(body) };
};
const FILES = Array.from({ length: FILE_COUNT }, (_, i) => file(i));
const HOST = 'static.test';
const url = (i: number, site = 'site-a.test') => `https://${site}/big-${i}.html`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let origin: OriginServer;
let session: FirefoxSession;
let ui: Page;
/** When each kill happened: Firefox counts crashes in a 30 s window. */
const kills: number[] = [];
/** Whether the streaming file's response was cut before its last byte (the client hung up). */
let streamingCut: boolean | undefined;

beforeAll(async () => {
  origin = await startOriginServer();
  FILES.forEach((f, i) => {
    origin.route(HOST, f.path, i === STREAMING ? streamSlowly(f.body) : { headers: CDN_HEADERS, body: f.body });
    for (const site of ['site-a.test', 'site-b.test']) {
      origin.route(site, `/big-${i}.html`, {
        headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
        body: `<!doctype html><html><head><meta charset="utf-8"><title>loading</title></head><body><script src="https://${HOST}${f.path}"></script><script>document.title = 'loaded ' + window.loaded</script></body></html>`,
      });
    }
  });
  session = await launch();
  ui = await session.extensionTab();
  // Off-list files are learned once requirePopular is off.
  expect(await send(ui, { type: 'ui-bg-set-setting', name: 'requirePopular', value: false })).toMatchObject({ ok: true });
}, 60_000);
afterAll(async () => {
  await session?.close();
  await origin?.close();
});

/** 64 KiB every 40 ms (~0.8 s for the file), so a kill can land while the body streams. */
function streamSlowly(body: Buffer) {
  return async (_req: unknown, res: import('node:http').ServerResponse) => {
    res.writeHead(200, { ...CDN_HEADERS, 'content-length': String(body.length) });
    res.on('close', () => (streamingCut = !res.writableFinished));
    for (let off = 0; off < body.length && !res.destroyed; off += 65_536) {
      res.write(body.subarray(off, off + 65_536));
      await sleep(40);
    }
    res.end();
  };
}

async function launch(): Promise<FirefoxSession> {
  // After the crash no extension tab is left, and WebDriver BiDi refuses to navigate a tab to
  // moz-extension:// unless the remote agent may reach privileged pages (RemoteAgent.sys.mjs
  // reads this variable); set for this launch only.
  process.env.MOZ_REMOTE_ALLOW_SYSTEM_ACCESS = '1';
  try {
    return await launchFirefox({ loopbackHosts: TEST_HOSTS, profileDir: session?.profileDir });
  } finally {
    delete process.env.MOZ_REMOTE_ALLOW_SYSTEM_ACCESS;
  }
}

const send = (page: Page, message: unknown): Promise<unknown> =>
  page.evaluate((m) => (globalThis as unknown as { browser: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).browser.runtime.sendMessage(m), message);

/** Pids of Firefox's live extension processes (children of its fork server). */
function extensionProcesses(): number[] {
  const root = session.browser.process()?.pid;
  const procs = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((d) => {
    try {
      const raw = readFileSync(`/proc/${d}/stat`, 'utf8');
      const stat = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
      return [{ pid: Number(d), state: stat[0], ppid: Number(stat[1]), comm: readFileSync(`/proc/${d}/comm`, 'utf8').trim() }];
    } catch {
      return []; // gone meanwhile
    }
  });
  const family = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) if (family.has(p.ppid) && !family.has(p.pid)) grew = !!family.add(p.pid);
  }
  return procs.filter((p) => family.has(p.pid) && p.comm === 'WebExtensions' && p.state !== 'Z').map((p) => p.pid);
}

/** Kills the extension process; resolves with the ms until Firefox had started another, or undefined. */
async function killExtensionProcess(waitMs = 5_000): Promise<number | undefined> {
  const [pid] = extensionProcesses();
  expect(pid, 'an extension process to kill').toBeDefined();
  process.kill(pid!, 'SIGKILL');
  const at = Date.now();
  kills.push(at);
  while (Date.now() - at < waitMs) {
    await sleep(20);
    if (extensionProcesses().some((p) => p !== pid)) return Date.now() - at;
  }
  return undefined;
}

/** Waits until a kill now would be at most the fifth crash in Firefox's 30 s window. */
async function withinCrashBudget(): Promise<void> {
  const fifthLast = kills.at(-5);
  if (fifthLast !== undefined) await sleep(Math.max(0, fifthLast + 31_000 - Date.now()));
}

/** Loads `url` in a new tab; its final title (bounded: a page that hangs fails the test). */
async function visit(address: string, during?: () => void): Promise<string> {
  const page = await session.browser.newPage();
  try {
    during?.();
    await page.goto(address, { waitUntil: 'load', timeout: 20_000 });
    await page.waitForFunction(() => document.title !== 'loading', { timeout: 15_000 });
    return await page.title();
  } finally {
    await page.close();
  }
}

/** A fresh options page: the only way to the store that does not go through the background. */
async function extensionPage(): Promise<Page> {
  await ui?.close().catch(() => undefined);
  const page = await session.browser.newPage();
  // BiDi may not report the load of a tab that moved into the extension process; wait for the page itself.
  await page.goto(`moz-extension://${FIREFOX_EXTENSION_UUID}/options.html`, { timeout: 5_000 }).catch(() => undefined);
  await page.waitForFunction(() => document.body?.classList.contains('ready'), { timeout: 20_000, polling: 200 });
  return page;
}

const whole = (b: BlobCheck) => ({ mh: b.mh, size: b.bytes, bytes: b.bytes, sha384: b.mh });
async function expectStoreWhole(): Promise<BlobCheck[]> {
  const blobs = await ui.evaluate(blobsInStore);
  for (const b of blobs) expect(b).toEqual(whole(b));
  for (const b of blobs) expect(FILES.map((f) => f.key)).toContain(b.mh);
  return blobs;
}
const learned = async (i: number) => (await ui.evaluate(blobsInStore)).some((b) => b.mh === FILES[i]!.key);

describe('Firefox: the extension process killed while it learns large files', () => {
  it('leaves each file whole and verified or absent, pages load, and the background comes back and learns', async () => {
    const respawnMs: (number | undefined)[] = [];
    for (const [i, ms] of KILL_AFTER_MS.entries()) {
      expect(await visit(url(i))).toBe(`loaded big-${i}`);
      await sleep(ms);
      respawnMs.push(await killExtensionProcess());
    }
    // Firefox started a new extension process after every kill, by itself.
    expect(respawnMs.every((ms) => ms !== undefined)).toBe(true);
    ui = await extensionPage();
    // The background answers again (the message is the event that starts it).
    const t = Date.now();
    expect(await send(ui, { type: 'ui-bg-get-status' })).toBeTruthy();
    const answerMs = Date.now() - t;
    await sleep(3_000);
    const kept = await expectStoreWhole();

    // Every page loads, on the site that learned and on another.
    for (const i of KILL_AFTER_MS.keys()) {
      expect(await visit(url(i))).toBe(`loaded big-${i}`);
      expect(await visit(url(i, 'site-b.test'))).toBe(`loaded big-${i}`);
    }
    // And learning works again: a new file is learned, whole.
    expect(await visit(url(5))).toBe('loaded big-5');
    await expect.poll(() => learned(5), { timeout: 20_000 }).toBe(true);
    await expectStoreWhole();
    console.log(`extension process back after ${respawnMs.join(', ')} ms; background answered in ${answerMs} ms; ${kept.length} of ${KILL_AFTER_MS.length} files kept through the kills`);
  }, 180_000);

  it('a kill while a copied response streams: the page finishes, loads whole on reload, the store stays whole', async () => {
    await withinCrashBudget();
    // Killed 250 ms into the page: the file (0.8 s to stream) is passing through the filter.
    const first = await visit(url(STREAMING), () => void sleep(250).then(() => killExtensionProcess()));
    await expect.poll(() => streamingCut, { timeout: 5_000 }).toBeDefined();
    const cut = streamingCut;
    // Firefox cancels a filtered response whose process died: when the origin saw it cut, the
    // page ran without that script; when the kill missed the stream, the page had it.
    expect(first).toBe(cut ? 'loaded undefined' : `loaded big-${STREAMING}`);
    await expect.poll(() => extensionProcesses().length, { timeout: 5_000 }).toBeGreaterThan(0);
    expect(await visit(url(STREAMING))).toBe(`loaded big-${STREAMING}`);
    ui = await extensionPage();
    await expect.poll(() => learned(STREAMING), { timeout: 20_000 }).toBe(true);
    await expectStoreWhole();
    console.log(`streaming response cut by the kill: ${String(cut)}; page showed "${first}"`);
  }, 120_000);

  it('more than 5 crashes in 30 s leave PeerCache down until Firefox restarts; pages load without it', async () => {
    // Each round wakes the background with a page, then kills its process.
    let rounds = 0;
    let back: number | undefined = 0;
    while (back !== undefined && rounds < 8) {
      expect(await visit(url(7 + (rounds % 3)))).toMatch(/^loaded big-\d+$/);
      back = await killExtensionProcess(3_000);
      rounds++;
    }
    expect(back).toBeUndefined();
    // Gave up at the sixth crash of the last 30 s at the latest.
    expect(rounds).toBeLessThanOrEqual(6);
    // Pages load, and their requests no longer start any extension process.
    for (const i of [0, 1, 5]) expect(await visit(url(i, 'site-b.test'))).toBe(`loaded big-${i}`);
    await sleep(1_000);
    expect(extensionProcesses()).toEqual([]);

    // Restarting Firefox brings it back: what it kept is whole, and it learns again.
    await session.close();
    session = await launch();
    ui = await extensionPage();
    expect(await send(ui, { type: 'ui-bg-set-setting', name: 'requirePopular', value: false })).toMatchObject({ ok: true });
    expect(await visit(url(10))).toBe('loaded big-10');
    await expect.poll(() => learned(10), { timeout: 20_000 }).toBe(true);
    await expectStoreWhole();
    console.log(`background gave up after ${rounds} kills in this round (${kills.filter((k) => k > Date.now() - 60_000).length} in the last minute)`);
  }, 180_000);
});
