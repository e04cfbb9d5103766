import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServingView, StatsView, StatusView } from '../../src/extension/messages.ts';
import { startLanNode, type LanNode } from '../../src/node/lan-node.ts';
import { keyOf } from '../support/bytes.ts';
import { loopbackNodeConfig, wsAddressOf } from '../support/lan-node.ts';
import { startOriginServer, type OriginServer } from '../support/origin-server.ts';
import { TEST_HOSTS } from '../support/tls-cert.ts';
import { openBrowser, type BrowserName, type ExtensionBrowser, type UiPage } from './support/extension-browser.ts';
import { pollUntil, servingUntil, statusUntil, viewUntilSafe } from './support/poll.ts';
import { JQUERY, routeSharedAssets, SELF_HOSTED_JQUERY, VARYING_CDN_PAGE, WIDGET } from './support/test-web.ts';

let origin: OriginServer;
let node: LanNode;
let wsAddr: string;
beforeAll(async () => {
  origin = await startOriginServer();
  routeSharedAssets(origin);
  node = await startLanNode(
    loopbackNodeConfig({ cacheMB: 64 }),
    { log: () => {}, mdns: false },
  );
  wsAddr = wsAddressOf(node);
  // The office's LAN node already holds jQuery (another colleague fetched it earlier).
  await node.cache.put(await keyOf(new Uint8Array(JQUERY.bytes)), new Uint8Array(JQUERY.bytes));
});
afterAll(async () => {
  await node?.stop();
  await origin?.close();
});

/** An office's LAN node with a group key, asking browsers every second for what they learned. */
const startOffice = (groupKey: string): Promise<LanNode> =>
  startLanNode(
    loopbackNodeConfig({ cacheMB: 64, groupKey }),
    { log: () => {}, mdns: false, pullEveryMs: 1_000 },
  );

/** Sets `settings` in `browser`, then the office's LAN node; resolves once connected to it. */
async function joinOffice(browser: ExtensionBrowser, office: LanNode, settings: Record<string, unknown>): Promise<UiPage> {
  const ui = await browser.page('options.html');
  for (const [name, value] of Object.entries(settings)) await ui.send({ type: 'ui-bg-set-setting', name, value });
  await ui.send({ type: 'ui-bg-set-setting', name: 'lanNodes', value: [wsAddressOf(office)] });
  expect((await statusUntil(ui, (s) => s.peers.lanNodes === 1)).peers.lanNodes).toBe(1);
  return ui;
}

describe.each<BrowserName>(['chromium', 'firefox'])('LAN sharing through a LAN node in %s', (name) => {
  let browser: ExtensionBrowser;
  let ui: UiPage;
  beforeAll(async () => {
    browser = await openBrowser(name, { loopbackHosts: TEST_HOSTS });
    ui = await browser.page('options.html');
  });
  afterAll(() => browser?.close());

  it('connects to the configured LAN node over WebSockets and says so in the popup', async () => {
    const set = await ui.send<{ ok: boolean }>({ type: 'ui-bg-set-setting', name: 'lanNodes', value: [wsAddr] });
    expect(set.ok).toBe(true);
    const status = await statusUntil(ui, (s) => s.peers.state === 'running' && s.peers.lanNodes === 1);
    expect(status.peers).toMatchObject({ state: 'running', lanNodes: 1 });
    const popup = await browser.page('popup.html');
    await popup.waitUntil(() => /Connected to 1 LAN node/.test(document.getElementById('network')?.textContent ?? ''), undefined);
  });

  it('gets a listed file its page\'s cache cannot give back from the LAN node instead of downloading it again', async () => {
    // The page loads jQuery from a CDN that varies its answer by Origin: Chromium cannot read it
    // from the page's HTTP cache (its first and cheapest source, page-cache-learning.test.ts), so
    // it asks the LAN; Firefox asks the LAN before the response for any listed file it lacks.
    const since = Date.now();
    const page = await browser.visit(VARYING_CDN_PAGE);
    await page.waitUntil(() => document.title !== 'loading', undefined);
    expect(await page.evaluate(() => document.title)).toBe('jquery 3.7.1');
    await page.close();
    const stats = await pollUntil(() => ui.send<StatsView>({ type: 'ui-bg-get-stats' }), (st) => st.total.lanBytesIn > 0);
    expect(stats.total.lanBytesIn).toBe(JQUERY.bytes.length);
    expect(stats.total.learnBytes).toBe(0);
    expect(stats.total.pageCacheBytes).toBe(0);
    // The page's own request only: no second download from the origin to learn the bytes.
    expect(origin.hits(JQUERY.varyingCdn.host, JQUERY.varyingCdn.path, since)).toBe(1);
  });

  it.runIf(name === 'chromium')('the peer service (offscreen document) obeys the background only: another extension page asking it gets no answer', async () => {
    const ask = (type: string) => ui.evaluate((t) => chrome.runtime.sendMessage({ type: t }).then((r: unknown) => r ?? 'no answer', (e: unknown) => `refused: ${String(e)}`), type);
    // The background answers the popup what the offscreen document told it...
    expect((await ui.send<StatusView>({ type: 'ui-bg-get-status' })).peers.state).toBe('running');
    // ...but the offscreen document does not take requests from anyone else (content scripts share the extension's id).
    expect(await ask('bg-os-status')).toMatch(/^(no answer|refused: .*)$/);
  });

  it('stops all peer traffic on a metered network', async () => {
    await ui.send({ type: 'ui-bg-set-setting', name: 'treatAsMetered', value: true });
    const status = await statusUntil(ui, (s) => s.peers.state === 'paused');
    expect(status.peers).toMatchObject({ state: 'paused', lanNodes: 0, peers: 0 });
    expect(status.network).toMatchObject({ metered: true, sharingPaused: true });
    const popup = await browser.page('popup.html');
    await popup.waitUntil(() => (document.getElementById('network')?.textContent ?? '').startsWith('Sharing is paused'), undefined);
    expect(await popup.evaluate(() => document.getElementById('network')?.textContent)).toBe('Sharing is paused: this network is metered (marked as metered in the settings).');
    const before = node.snapshot();
    await new Promise((r) => setTimeout(r, 1000));
    expect(node.libp2p.getConnections().length).toBe(0);
    expect(node.snapshot().counters.bytesOut).toBe(before.counters.bytesOut);
    await ui.send({ type: 'ui-bg-set-setting', name: 'treatAsMetered', value: false });
    expect((await statusUntil(ui, (s) => s.peers.state === 'running')).peers.lanNodes).toBe(1);
  });

  it('runs no libp2p node at all when sharing is off', async () => {
    await ui.send({ type: 'ui-bg-set-setting', name: 'sharingMode', value: 'off' });
    const status = await statusUntil(ui, (s) => s.peers.state === 'off');
    expect(status.peers).toEqual({ state: 'off', lanNodes: 0, peers: 0 });
    expect(await pollUntil(async () => node.libp2p.getConnections().length, (n) => n === 0, 10_000)).toBe(0);
  });
});

describe.each<BrowserName>(['chromium', 'firefox'])('a file a colleague downloaded in Chromium serves a first visit in %s (one LAN node, a group key)', (second) => {
  let office: LanNode;
  let a: ExtensionBrowser;
  let b: ExtensionBrowser;
  beforeAll(async () => {
    office = await startOffice('cd'.repeat(32));
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await office?.stop();
  });

  it('profile B, started fresh, visits site B: the origin sees zero requests for the file from B', async () => {
    const key = await keyOf(new Uint8Array(JQUERY.bytes));
    const join = (browser: ExtensionBrowser): Promise<UiPage> => joinOffice(browser, office, { groupKey: 'cd'.repeat(32) });

    a = await openBrowser('chromium', { loopbackHosts: TEST_HOSTS });
    await join(a);
    const pa = await a.visit('https://site-a.test/jquery.html');
    await pa.waitUntil(() => document.title !== 'loading', undefined);
    // The LAN node asks A for the popular files it learned, and hosts them.
    expect(await pollUntil(async () => office.cache.has(key), (held) => held)).toBe(true);

    const since = Date.now();
    b = await openBrowser(second, { loopbackHosts: TEST_HOSTS });
    const ui = await join(b);
    // replicatePopular: B copies the popular files the LAN node holds, before any visit.
    expect((await servingUntil(ui, (v) => v.servable >= 1)).servable).toBeGreaterThanOrEqual(1);
    // Site B's first page shows its CSP admits data: (a page view whose two halves, headers and
    // content-script report, straddle a background restart is skipped: view it again then).
    expect(await viewUntilSafe(b, ui, 'site-b.test')).toBe(true);
    const page = await b.visit('https://site-b.test/jquery.html');
    await page.waitUntil(() => document.title !== 'loading', undefined);
    expect(await page.evaluate(() => document.title)).toBe('both 3.7.1');
    expect(origin.hits(JQUERY.unpkg.host, JQUERY.unpkg.path, since) + origin.hits(JQUERY.jsdelivr.host, JQUERY.jsdelivr.path, since)).toBe(0);
    const stats = await ui.send<StatsView>({ type: 'ui-bg-get-stats' });
    expect(stats.total.lanBytesIn).toBe(JQUERY.bytes.length);
    const popup = await b.page('popup.html');
    await popup.waitUntil(() => !(document.getElementById('lan-stats') as HTMLElement).hidden, undefined);
    expect(await popup.evaluate(() => document.getElementById('lan-stats')?.textContent)).toBe('Over the LAN: 70.3 kB received, 0 B sent. Uploaded this month: 0 B of 5.1 GB.');
    expect(await popup.evaluate(() => document.getElementById('network')?.textContent)).toMatch(/Connected to 1 LAN node/);
    await popup.screenshot(`popup-lan`, 'body');
  });
});

describe.each<BrowserName>(['chromium', 'firefox'])('what a colleague observed in Chromium serves a first visit in %s (trustGroupBindings, a group key)', (second) => {
  const GROUP = 'ef'.repeat(32);
  let office: LanNode;
  let a: ExtensionBrowser;
  let b: ExtensionBrowser;
  beforeAll(async () => {
    office = await startOffice(GROUP);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await office?.stop();
  });

  it('site A hosts jQuery itself, and enough colleagues hold that binding: B gets the binding and the bytes from the group, and in Firefox the origin sees no request for it from B', async () => {
    const url = `https://${SELF_HOSTED_JQUERY.host}${SELF_HOSTED_JQUERY.path}`;
    const join = (browser: ExtensionBrowser, settings: Record<string, unknown> = {}): Promise<UiPage> =>
      joinOffice(browser, office, { groupKey: GROUP, trustGroupBindings: true, ...settings });

    a = await openBrowser('chromium', { loopbackHosts: TEST_HOSTS });
    await join(a);
    const pa = await a.visit('https://site-a.test/self-hosted.html');
    await pa.waitUntil(() => document.title !== 'loading', undefined);
    expect(await pa.evaluate(() => document.title)).toBe('jquery 3.7.1');
    // A observed what site A's URL serves; the LAN node collects it for the group.
    const seen = await pollUntil(async () => office.groupBindings?.list().find((g) => g.url === url), (g) => g !== undefined);
    // One member holding site A's own copy does not make that URL popular, though its bytes are
    // listed (issue 9, item 3; test/integration/extension/group-bindings.test.ts). A second
    // colleague, reported straight into the book, does with minLanPeers 2.
    expect(seen?.holders).toBe(1);
    office.groupBindings!.report('colleague-c', [seen!]);
    expect(office.groupBindings!.list().find((g) => g.url === url)?.holders).toBe(2);

    b = await openBrowser(second, { loopbackHosts: TEST_HOSTS });
    const ui = await join(b, { minLanPeers: 2 });
    // B never loaded the file: the binding and the bytes come from the group before any visit.
    expect((await servingUntil(ui, (v) => v.servable >= 1)).servable).toBeGreaterThanOrEqual(1);
    // Site A's CSP must be known to admit data: (one view of its home page, no jQuery there).
    expect(await viewUntilSafe(b, ui, 'site-a.test')).toBe(true);
    const since = Date.now();
    const page = await b.visit('https://site-a.test/self-hosted.html');
    await page.waitUntil(() => document.title !== 'loading', undefined);
    expect(await page.evaluate(() => document.title)).toBe('jquery 3.7.1');
    // Site A sends no `Access-Control-Allow-Origin: *` for its file. Firefox answers the plain
    // load; Chromium's rules cannot tell it from a `crossorigin` load, which the network would
    // refuse, so Chromium leaves that URL to the network (rules.ts, redirectResourceTypes).
    expect(origin.hits(SELF_HOSTED_JQUERY.host, SELF_HOSTED_JQUERY.path, since)).toBe(second === 'firefox' ? 0 : 1);
    const stats = await ui.send<StatsView>({ type: 'ui-bg-get-stats' });
    expect(stats.total.lanBytesIn).toBe(JQUERY.bytes.length);
    expect(stats.total.learnBytes).toBe(0);
  });

  it('a file off the list only A holds, on site A: B\'s page of another site is not served it (minLanPeers), and it comes over the LAN, never downloaded twice', async () => {
    const ui = await b.page('options.html');
    const before = await ui.send<StatsView>({ type: 'ui-bg-get-stats' });
    const pa = await a.visit('https://site-a.test/widget.html');
    await pa.waitUntil(() => document.title !== 'loading', undefined);
    const widgetUrl = `https://${WIDGET.host}${WIDGET.path}`;
    expect(await pollUntil(async () => office.groupBindings?.list().find((g) => g.url === widgetUrl)?.holders ?? 0, (n) => n === 1)).toBe(1);
    // B is told at once (it is running), or takes the group's bindings when it (re)joins, and
    // copies the widget: one member is not popular, but site A's pages may be answered it.
    await ui.send({ type: 'ui-bg-set-setting', name: 'lanNodes', value: [] });
    await ui.send({ type: 'ui-bg-set-setting', name: 'lanNodes', value: [wsAddressOf(office)] });
    await statusUntil(ui, (s) => s.peers.lanNodes === 1);
    const since = Date.now();
    const page = await b.visit('https://site-c.test/widget.html');
    await page.waitUntil(() => document.title !== 'loading', undefined);
    expect(await page.evaluate(() => document.title)).toBe('widget 1');
    // The page's own request goes to the origin (not popular: never served to another site)...
    expect(origin.hits(WIDGET.host, WIDGET.path, since)).toBe(1);
    // ...and nobody downloads it again to learn it: B got it over the LAN, once.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(origin.hits(WIDGET.host, WIDGET.path, since)).toBe(1);
    // B holds it from the LAN (the group told it at once and it copied it) or from its own
    // page's HTTP cache (Chromium's learning reads that before asking the LAN). The two run
    // independently and may both finish: each brings the file's bytes at most once, neither
    // downloads it from the origin.
    const lan = (st: StatsView): number => st.total.lanBytesIn - before.total.lanBytesIn;
    const cache = (st: StatsView): number => st.total.pageCacheBytes - before.total.pageCacheBytes;
    const after = await pollUntil(() => ui.send<StatsView>({ type: 'ui-bg-get-stats' }), (st) => lan(st) + cache(st) > 0);
    expect([0, WIDGET.body.length]).toContain(lan(after));
    expect([0, WIDGET.body.length]).toContain(cache(after));
    expect(after.total.learnBytes).toBe(0);
  });
});

describe.each<BrowserName>(['chromium', 'firefox'])('both running in one office: what A (Chromium) loads, B (%s) gets within seconds (issue 12)', (second) => {
  const GROUP = '9a'.repeat(32);
  let office: LanNode;
  let a: ExtensionBrowser;
  let b: ExtensionBrowser;
  let uiB: UiPage;
  beforeAll(async () => {
    // The node's own rounds stay at their default minute: only what members tell it at once,
    // and what it tells them, can be seen within 10 s.
    office = await startLanNode(
      loopbackNodeConfig({ cacheMB: 64, groupKey: GROUP }),
      { log: () => {}, mdns: false },
    );
    a = await openBrowser('chromium', { loopbackHosts: TEST_HOSTS });
    b = await openBrowser(second, { loopbackHosts: TEST_HOSTS });
    await joinOffice(a, office, { groupKey: GROUP, trustGroupBindings: true });
    // Default privacy settings: a file off the list one member holds is answered only to the
    // site it was loaded on (core/serving/privacy-gate.ts, same-site).
    uiB = await joinOffice(b, office, { groupKey: GROUP, trustGroupBindings: true });
    // B has seen sites A and C before (their CSPs are known to admit data:), never their files.
    expect(await viewUntilSafe(b, uiB, 'site-a.test')).toBe(true);
    expect(await viewUntilSafe(b, uiB, 'site-c.test')).toBe(true);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await office?.stop();
  });

  it('A loads a listed file and one off the list; within 10 s B\'s view of the same pages reaches the origin zero times, another site\'s still does for the file off the list, and the office downloaded each once (Chromium A read them from its page\'s cache to learn them)', async () => {
    const open: { close(): Promise<void> }[] = [];
    const loadedBy = async (browser: ExtensionBrowser, url: string, o: { keepOpen?: boolean } = {}): Promise<string> => {
      const page = await browser.visit(url);
      await page.waitUntil(() => document.title !== 'loading', undefined);
      const title = await page.evaluate(() => document.title);
      if (o.keepOpen) open.push(page);
      else await page.close();
      return title;
    };
    const sinceA = Date.now();
    // A's reader keeps the pages open until B's checks: Chromium learns a file from the HTTP cache
    // of the page that loaded it, through that very document. That read now comes first, before
    // the LAN is asked (refetch-queue.ts), but it still follows the response through webRequest
    // and the learning queue: a tab closed the moment its title changed still beat it under load
    // (closed at once, A's origin hits were 2 for a file in 1 of 10 runs of this test; 5 of 8
    // with the LAN asked first). This test is about B, not that race.
    expect(await loadedBy(a, 'https://site-a.test/jquery.html', { keepOpen: true })).toBe('jquery 3.7.1');
    expect(await loadedBy(a, 'https://site-a.test/widget.html', { keepOpen: true })).toBe('widget 1');
    const loaded = Date.now();
    // B is told, not asked for later: both files become servable in B while A's pages are fresh.
    const ready = await pollUntil(() => uiB.send<ServingView>({ type: 'ui-bg-get-serving' }), (v) => v.servable >= 2, 10_000);
    const readyMs = Date.now() - loaded;
    console.log(`B (${second}) could serve both files ${readyMs} ms after A's pages loaded`);
    expect(ready.servable).toBeGreaterThanOrEqual(2);
    expect(readyMs).toBeLessThanOrEqual(10_000);

    const sinceB = Date.now();
    expect(await loadedBy(b, 'https://site-a.test/jquery.html')).toBe('jquery 3.7.1');
    expect(await loadedBy(b, 'https://site-a.test/widget.html')).toBe('widget 1');
    expect(origin.hits(JQUERY.jsdelivr.host, JQUERY.jsdelivr.path, sinceB)).toBe(0);
    expect(origin.hits(WIDGET.host, WIDGET.path, sinceB)).toBe(0);
    // The office paid for each file once, A's page: both are sent with ACAO *, so Chromium A
    // learned them from that page's HTTP cache, not by a second download (issue 12, never twice).
    expect(origin.hits(JQUERY.jsdelivr.host, JQUERY.jsdelivr.path, sinceA)).toBe(1);
    expect(origin.hits(WIDGET.host, WIDGET.path, sinceA)).toBe(1);
    for (const page of open.splice(0)) await page.close();
    const stats = await uiB.send<StatsView>({ type: 'ui-bg-get-stats' });
    expect(stats.total.lanBytesIn).toBe(JQUERY.bytes.length + WIDGET.body.length);
    // One member loaded the widget, on site A: site C timing it must learn nothing of that.
    const sinceC = Date.now();
    expect(await loadedBy(b, 'https://site-c.test/widget.html')).toBe('widget 1');
    expect(origin.hits(WIDGET.host, WIDGET.path, sinceC)).toBe(1);
  });

  it('a metered B takes no part: nothing is told to it or fetched by it', async () => {
    await uiB.send({ type: 'ui-bg-set-setting', name: 'treatAsMetered', value: true });
    await statusUntil(uiB, (s) => s.peers.state === 'paused');
    const before = await uiB.send<StatsView>({ type: 'ui-bg-get-stats' });
    const out = office.snapshot().counters.bytesOut;
    const page = await a.visit('https://site-a.test/long.html');
    await page.waitUntil(() => document.title !== 'loading', undefined);
    await pollUntil(async () => office.cache.stats().blocks, (n) => n >= 3, 10_000);
    await new Promise((r) => setTimeout(r, 1_000));
    const after = await uiB.send<StatsView>({ type: 'ui-bg-get-stats' });
    expect(after.total.lanBytesIn).toBe(before.total.lanBytesIn);
    expect(office.snapshot().counters.bytesOut).toBe(out);
  });
});
