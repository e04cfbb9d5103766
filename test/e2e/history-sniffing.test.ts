/**
 * Issue 9, item 3: the two history-sniffing attacks a tester found. A bank hosts its own copy
 * of jQuery (the bytes of a listed file, at a URL no list knows, without CORS headers). After
 * the browser visited the bank, another site must not be able to tell: neither by reading that
 * URL with a CORS fetch (which must fail exactly as it does without PeerCache, and not be
 * answered from the cache), nor by a plain script load (which must reach the bank's origin).
 * Popularity belongs to the URL binding, never to its bytes (architecture.md, "Privacy").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatsView } from '../../src/extension/messages.ts';
import { startLanNode, type LanNode } from '../../src/node/lan-node.ts';
import { loopbackNodeConfig, wsAddressOf } from '../support/lan-node.ts';
import { startOriginServer, type OriginServer } from '../support/origin-server.ts';
import { TEST_HOSTS } from '../support/tls-cert.ts';
import { openBrowser, titleOf, type BrowserName, type ExtensionBrowser, type UiPage } from './support/extension-browser.ts';
import { servingUntil, statusUntil, viewUntilSafe } from './support/poll.ts';
import { BANK_JQUERY, JQUERY, routeBank, routeSharedAssets } from './support/test-web.ts';

const servedTo = async (ui: UiPage, site: string): Promise<number> =>
  (await ui.send<StatsView>({ type: 'ui-bg-get-stats' })).perSite[site]?.servedRequests ?? 0;

let origin: OriginServer;
let node: LanNode;
beforeAll(async () => {
  origin = await startOriginServer();
  routeSharedAssets(origin);
  routeBank(origin);
  // A LAN to share with, as `npm start` sets up: only then is a file off the public list worth
  // learning in Chromium (it must download it again to learn it), so the bank's copy is learned
  // in both browsers, which is what makes the attacks possible at all.
  node = await startLanNode(
    loopbackNodeConfig({ cacheMB: 64 }),
    { log: () => {}, mdns: false },
  );
});
afterAll(async () => {
  await node?.stop();
  await origin?.close();
});

describe.each<BrowserName>(['chromium', 'firefox'])('another site cannot tell the browser visited the bank, in %s', (name) => {
  let browser: ExtensionBrowser;
  let ui: UiPage;
  /** What site B's CORS read of the bank's file gives before PeerCache knows anything of it. */
  let networkOutcome: string;

  beforeAll(async () => {
    browser = await openBrowser(name, { loopbackHosts: TEST_HOSTS });
    ui = await browser.page('options.html');
    await ui.send({ type: 'ui-bg-set-setting', name: 'lanNodes', value: [wsAddressOf(node)] });
    await statusUntil(ui, (s) => s.peers.lanNodes === 1);
    // The network's answer, with nothing learned yet: the bank sends no CORS header.
    networkOutcome = await titleOf(browser, 'https://site-b.test/read-bank.html');
    expect(networkOutcome).toMatch(/^refused TypeError/);

    // The browser visits the bank, and PeerCache learns its copy (the listed bytes: from now
    // on the cache holds them).
    expect(await titleOf(browser, 'https://bank.test/')).toBe('bank 3.7.1');
    expect((await servingUntil(ui, (v) => v.cached >= 1 && v.servable >= 1)).cached).toBeGreaterThanOrEqual(1);
    // Site B is a site PeerCache serves (its pages admit data:), and it is served these very
    // bytes at the CDN URLs the list binds: the attacks below meet a cache that answers site B.
    expect(await viewUntilSafe(browser, ui, 'site-b.test')).toBe(true);
    const since = Date.now();
    expect(await titleOf(browser, 'https://site-b.test/jquery.html')).toMatch(/^both 3\.7\.1/);
    expect(origin.hits(JQUERY.unpkg.host, JQUERY.unpkg.path, since) + origin.hits(JQUERY.jsdelivr.host, JQUERY.jsdelivr.path, since)).toBe(0);
  });
  afterAll(() => browser?.close());

  it('a plain <script> load of the bank\'s own copy from site B reaches the bank', async () => {
    const served = await servedTo(ui, 'site-b.test');
    const since = Date.now();
    expect(await titleOf(browser, 'https://site-b.test/script-bank.html')).toBe('jquery 3.7.1');
    expect(origin.hits(BANK_JQUERY.host, BANK_JQUERY.path, since)).toBe(1);
    expect(await servedTo(ui, 'site-b.test')).toBe(served);
  });

  it('a CORS read of the bank\'s own copy from site B fails as it does without PeerCache, and is not answered from the cache', async () => {
    const served = await servedTo(ui, 'site-b.test');
    const since = Date.now();
    expect(await titleOf(browser, 'https://site-b.test/read-bank.html')).toBe(networkOutcome);
    expect(origin.hits(BANK_JQUERY.host, BANK_JQUERY.path, since)).toBe(1);
    expect(await servedTo(ui, 'site-b.test')).toBe(served);
  });
});
