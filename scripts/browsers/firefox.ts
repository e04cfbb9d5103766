import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { DIST_FIREFOX, GECKO_ID } from './paths.ts';

/** A fixed moz-extension UUID, so extension URLs are known in advance. */
export const FIREFOX_EXTENSION_UUID = '0c8a4f7e-2d7b-4c55-9a31-5e2b4f7a9c11';

/** Headless Firefox ESR with the BUILT extension installed as a temporary add-on. */
export interface FirefoxSession {
  readonly browser: Browser;
  readonly profileDir: string;
  /** The tab the extension opened on install (its options page). */
  extensionTab(): Promise<Page>;
  close(): Promise<void>;
}

async function urlOf(page: Page): Promise<string> {
  // BiDi does not report the URL of a tab an extension opened; ask the page itself.
  return page.evaluate(() => location.href).catch(() => '');
}

/** Starts Firefox ESR through WebDriver BiDi and installs dist/firefox. */
export interface FirefoxOptions {
  profileDir?: string;
  headless?: boolean;
  /** Install dist/firefox (default true); false gives the same browser without PeerCache. */
  extension?: boolean;
  /** Host names to resolve to loopback (tests' sites and CDNs), with a self-signed certificate. */
  loopbackHosts?: readonly string[];
  /** More about:config prefs (e.g. what WebRTC on loopback needs, platform-notes.md). */
  prefs?: Readonly<Record<string, string | number | boolean>>;
  /** Another build directory than dist/firefox (a test's copy with a changed manifest). */
  extensionDir?: string;
}

export async function launchFirefox(opts: FirefoxOptions = {}): Promise<FirefoxSession> {
  const profileDir = opts.profileDir ?? mkdtempSync(join(tmpdir(), 'peercache-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: '/usr/bin/firefox-esr',
    headless: opts.headless !== false,
    userDataDir: profileDir,
    acceptInsecureCerts: !!opts.loopbackHosts?.length,
    extraPrefsFirefox: {
      ...(opts.loopbackHosts?.length
        ? // localDomains resolves to loopback; IPv6 off so that means 127.0.0.1, where the test origin listens.
          { 'network.dns.localDomains': opts.loopbackHosts.join(','), 'network.dns.disableIPv6': true }
        : {}),
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_EXTENSION_UUID }),
      // A temporary add-on is uninstalled at shutdown; keep its storage as a real install would.
      'extensions.webextensions.keepStorageOnUninstall': true,
      'extensions.webextensions.keepUuidOnUninstall': true,
      ...opts.prefs,
    },
  });
  if (opts.extension !== false) await browser.installExtension(opts.extensionDir ?? DIST_FIREFOX);
  return {
    browser,
    profileDir,
    async extensionTab() {
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        for (const page of await browser.pages()) {
          if ((await urlOf(page)).startsWith(`moz-extension://${FIREFOX_EXTENSION_UUID}/`)) return page;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('the extension did not open its options page within 20 s');
    },
    close: () => browser.close(),
  };
}
