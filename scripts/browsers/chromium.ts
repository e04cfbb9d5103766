import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { CHROME_EXTENSION_ID, DIST_CHROME } from './paths.ts';
import { testCertificateSpki } from '../../test/support/tls-cert.ts';

/** A headless Chromium with the BUILT extension loaded from dist/chrome. */
export interface ChromiumSession {
  readonly context: BrowserContext;
  readonly profileDir: string;
  serviceWorker(): Promise<Worker>;
  openExtensionPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Starts Chromium with dist/chrome loaded (platform-notes.md: the flags keep it from flooding a
 * closed network). Headless unless `headless: false`.
 */
export interface ChromiumOptions {
  profileDir?: string;
  extraArgs?: string[];
  headless?: boolean;
  /** Load dist/chrome (default true); false gives the same browser without PeerCache. */
  extension?: boolean;
  /** Host names to resolve to 127.0.0.1 (tests' sites and CDNs), with a self-signed certificate. */
  loopbackHosts?: readonly string[];
}

export async function launchChromium(opts: ChromiumOptions = {}): Promise<ChromiumSession> {
  const profileDir = opts.profileDir ?? mkdtempSync(join(tmpdir(), 'peercache-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: '/usr/bin/chromium',
    headless: false,
    args: [
      ...(opts.headless === false ? [] : ['--headless=new']),
      '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ...(opts.extension === false ? [] : [`--disable-extensions-except=${DIST_CHROME}`, `--load-extension=${DIST_CHROME}`]),
      ...(opts.loopbackHosts?.length
        ? [`--host-resolver-rules=${opts.loopbackHosts.map((h) => `MAP ${h} 127.0.0.1`).join(', ')}`, `--ignore-certificate-errors-spki-list=${testCertificateSpki()}`]
        : []),
      ...(opts.extraArgs ?? []),
    ],
  });
  const serviceWorker = async (): Promise<Worker> =>
    context.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${CHROME_EXTENSION_ID}/`)) ??
    (await context.waitForEvent('serviceworker', { timeout: 20_000 }));
  return {
    context,
    profileDir,
    serviceWorker,
    async openExtensionPage(path) {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${CHROME_EXTENSION_ID}/${path}`);
      await page.waitForSelector('body.ready', { timeout: 20_000 });
      return page;
    },
    close: () => context.close(),
  };
}
