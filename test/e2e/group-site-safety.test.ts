/**
 * Issue 12, "site's CSP not yet seen by this browser": in real Chromium with the built extension,
 * a member's FIRST view of a site its colleagues have seen is answered from the cache. Chromium
 * serves a held file as a `data:` URL only on hosts known to admit `data:`, and a rule added when
 * the page's headers arrive loses the race; in a group (`trustGroupBindings`), what two colleagues'
 * documents showed of the site's CSP reaches B beforehand (`/peercache/site-safety/1.0.0`). The
 * colleagues are the product's peer service and site-safety store in Node
 * (test/support/site-safety-member.ts); B is the browser.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HashList } from '../../src/core/hash-list/index.ts';
import { startLanNode, type LanNode } from '../../src/node/lan-node.ts';
import { loadNodeHashList } from '../../src/node/replication.ts';
import { keyOf } from '../support/bytes.ts';
import { loopbackNodeConfig, wsAddressOf } from '../support/lan-node.ts';
import { startOriginServer, type OriginServer } from '../support/origin-server.ts';
import { startSiteSafetyMember, type SiteSafetyMember } from '../support/site-safety-member.ts';
import { TEST_HOSTS } from '../support/tls-cert.ts';
import { openBrowser, type ExtensionBrowser, type UiPage } from './support/extension-browser.ts';
import { servingUntil, statusUntil } from './support/poll.ts';
import { JQUERY, routeSharedAssets } from './support/test-web.ts';

const GROUP = '7b'.repeat(32);

let origin: OriginServer;
let office: LanNode;
let hashList: HashList;
let browser: ExtensionBrowser | undefined;
const colleagues: SiteSafetyMember[] = [];

beforeAll(async () => {
  origin = await startOriginServer();
  routeSharedAssets(origin);
  hashList = await loadNodeHashList();
  office = await startLanNode(loopbackNodeConfig({ cacheMB: 64, groupKey: GROUP }), { log: () => {}, mdns: false });
  // The office's LAN node holds jQuery already (a colleague fetched it earlier).
  await office.cache.put(await keyOf(new Uint8Array(JQUERY.bytes)), new Uint8Array(JQUERY.bytes));
});
afterAll(async () => {
  await browser?.close();
  for (const c of colleagues) await c.close();
  await office?.stop();
  await origin?.close();
});

describe("a Chromium member's first view of a site colleagues have seen (a group, trustGroupBindings)", () => {
  it('is served from the cache: the origin sends the file 0 times, against once on a site nobody told of', async () => {
    browser = await openBrowser('chromium', { loopbackHosts: TEST_HOSTS });
    const ui: UiPage = await browser.page('options.html');
    for (const [name, value] of Object.entries({ groupKey: GROUP, trustGroupBindings: true, minLanPeers: 2 })) await ui.send({ type: 'ui-bg-set-setting', name, value });
    await ui.send({ type: 'ui-bg-set-setting', name: 'lanNodes', value: [wsAddressOf(office)] });
    expect((await statusUntil(ui, (s) => s.peers.lanNodes === 1)).peers.lanNodes).toBe(1);
    // replicatePopular: B copies jQuery from the LAN node before any visit.
    expect((await servingUntil(ui, (v) => v.servable >= 1)).servable).toBeGreaterThanOrEqual(1);

    // Two colleagues viewed site C (no CSP: data: allowed) and learned one of its files.
    for (let i = 0; i < 2; i++) {
      const c = await startSiteSafetyMember(hashList, wsAddressOf(office), GROUP);
      colleagues.push(c);
      await c.view('site-c.test');
    }
    const told = await servingUntil(ui, (v) => (v.safeHosts.script ?? []).includes('site-c.test'));
    expect(told.safeHosts.script).toContain('site-c.test');
    // Nobody told B anything of site A.
    expect(told.safeHosts.script).not.toContain('site-a.test');

    // Site A, B's first view, no colleague's verdict: its CSP is unknown, so the file is downloaded.
    const sinceA = Date.now();
    const a = await browser.visit('https://site-a.test/jquery.html');
    await a.waitUntil(() => document.title !== 'loading', undefined);
    expect(await a.evaluate(() => document.title)).toBe('jquery 3.7.1');
    await a.close();
    expect(origin.hits(JQUERY.jsdelivr.host, JQUERY.jsdelivr.path, sinceA)).toBe(1);

    // Site C, B's first view: the colleagues' verdict made it data:-safe; answered from the cache.
    const sinceC = Date.now();
    const c = await browser.visit('https://site-c.test/jquery.html');
    await c.waitUntil(() => document.title !== 'loading', undefined);
    expect(await c.evaluate(() => document.title)).toBe('jquery 3.7.1');
    await c.close();
    expect(origin.hits(JQUERY.jsdelivr.host, JQUERY.jsdelivr.path, sinceC)).toBe(0);
  });
});
