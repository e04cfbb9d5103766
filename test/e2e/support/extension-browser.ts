import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page as PlaywrightPage } from 'playwright-core';
import type { Page as PuppeteerPage } from 'puppeteer-core';
import { launchChromium, type ChromiumSession } from '../../../scripts/browsers/chromium.ts';
import { launchFirefox, type FirefoxSession } from '../../../scripts/browsers/firefox.ts';
import { OUTPUT } from '../../../scripts/browsers/paths.ts';

export type BrowserName = 'chromium' | 'firefox';

/** One of the extension's pages, driven the way a user would (clicks and typing). */
export interface UiPage {
  click(selector: string): Promise<void>;
  /** Replaces a field's text by typing, then leaves the field (which commits it). */
  fill(selector: string, text: string): Promise<void>;
  select(selector: string, value: string): Promise<void>;
  evaluate<T, A = undefined>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T>;
  /** Waits until `fn` returns true inside the page (bounded). */
  waitUntil<A>(fn: (arg: A) => boolean, arg: A, timeoutMs?: number): Promise<void>;
  /** Saves a screenshot under test-output/screenshots/: the whole page, or one element. */
  screenshot(name: string, selector?: string): Promise<string>;
  /** Sends a message to the background from this page, as the UI does. */
  send<T>(message: unknown): Promise<T>;
  /** Presses one key (e.g. 'Tab'). */
  press(key: string): Promise<void>;
  /** Answers every following confirm() of this page with OK, as a user would. */
  acceptDialogs(): void;
}

/** A real browser with the built extension, wrapped so tests read the same in both. */
export interface ExtensionBrowser {
  readonly name: BrowserName;
  /** Opens (or navigates to) `path` inside the extension and waits for it to render. */
  page(path: string): Promise<UiPage>;
  /** Opens a web page in a new tab and waits for its load event; collects its console errors. */
  visit(url: string): Promise<WebPage>;
  /**
   * Makes the browser re-read its policy files now, as an admin would with chrome://policy →
   * "Reload policies" (Chromium only; Firefox reads policies.json at start-up only).
   */
  reloadPolicies(): Promise<void>;
  /** Quits and starts the browser again on the same profile. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A web page in a tab. */
export interface WebPage extends UiPage {
  /** Console errors so far, in order. */
  readonly consoleErrors: string[];
  reload(): Promise<void>;
  close(): Promise<void>;
}

type AnyPage = PlaywrightPage | PuppeteerPage;

async function openWebPage(name: BrowserName, page: AnyPage, url: string): Promise<WebPage> {
  const consoleErrors: string[] = [];
  const p = page as PlaywrightPage & PuppeteerPage;
  p.on('console', (m: { type(): string; text(): string }) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  await p.goto(url, { waitUntil: 'load' });
  return Object.assign(wrap(name, page), {
    consoleErrors,
    reload: async () => void (await p.reload({ waitUntil: 'load' })),
    close: () => p.close(),
  });
}

function wrap(name: BrowserName, page: AnyPage): UiPage {
  const p = page as PlaywrightPage & PuppeteerPage;
  const self: UiPage = {
    click: (selector) => p.click(selector),
    async fill(selector, text) {
      await p.focus(selector);
      await p.evaluate((s) => (document.querySelector(s) as HTMLInputElement | HTMLTextAreaElement).select(), selector);
      await p.keyboard.press('Backspace');
      await p.keyboard.type(text);
      await p.keyboard.press('Tab');
    },
    async select(selector, value) {
      if (name === 'chromium') await (page as PlaywrightPage).selectOption(selector, value);
      else await (page as PuppeteerPage).select(selector, value);
    },
    evaluate: (fn, arg) => (p.evaluate as (f: unknown, a: unknown) => Promise<never>)(fn, arg),
    async waitUntil(fn, arg, timeoutMs = 15_000) {
      if (name === 'chromium') await (page as PlaywrightPage).waitForFunction(fn as (a: unknown) => boolean, arg as unknown, { timeout: timeoutMs });
      else await (page as PuppeteerPage).waitForFunction(fn as (a: unknown) => boolean, { timeout: timeoutMs }, arg as unknown);
    },
    async screenshot(shot, selector) {
      const dir = join(OUTPUT, 'screenshots');
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${name}-${shot}.png`);
      const element = selector ? await p.$(selector) : null;
      if (selector && !element) throw new Error(`no ${selector} to screenshot`);
      await (element ?? p).screenshot({ path, ...(element ? {} : { fullPage: true }) });
      return path;
    },
    press: (key) => p.keyboard.press(key as never),
    acceptDialogs: () => void p.on('dialog', (d: { accept(): Promise<void> }) => void d.accept()),
    send: <T>(message: unknown) =>
      self.evaluate(
        (m) => (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<T> } } }).chrome.runtime.sendMessage(m),
        message,
      ),
  };
  return self;
}


export interface OpenOptions {
  profileDir?: string;
  /** false: the same browser without PeerCache (the baseline of "never break a page"). */
  extension?: boolean;
  loopbackHosts?: readonly string[];
  /** Chromium only: more command-line flags. */
  extraArgs?: string[];
  /** Firefox only: more about:config prefs. */
  prefs?: Readonly<Record<string, string | number | boolean>>;
  /** Firefox only: install this copy of the build instead of dist/firefox. */
  extensionDir?: string;
}

/** Launches `name` with the built extension; `profileDir` reuses a profile. */
export async function openBrowser(name: BrowserName, opts: OpenOptions = {}): Promise<ExtensionBrowser> {
  if (name === 'chromium') {
    let session: ChromiumSession = await launchChromium(opts);
    return {
      name,
      visit: async (url) => openWebPage(name, await session.context.newPage(), url),
      async reloadPolicies() {
        const page = await session.context.newPage();
        await page.goto('chrome://policy');
        await page.click('#reload-policies');
        await page.close();
      },
      async page(path) {
        const page = await session.openExtensionPage(path);
        return wrap(name, page);
      },
      async restart() {
        const profileDir = session.profileDir;
        await session.close();
        session = await launchChromium({ ...opts, profileDir });
      },
      close: () => session.close(),
    };
  }
  let session: FirefoxSession = await launchFirefox(opts);
  return {
    name,
    visit: async (url) => openWebPage(name, await session.browser.newPage(), url),
    reloadPolicies: () => Promise.reject(new Error('Firefox reads policies.json only when it starts')),
    async page(path) {
      // Firefox's BiDi may not navigate to moz-extension:// URLs; the extension's own tab can.
      // Always a fresh load, as a newly opened popup or options page would be.
      const tab = wrap(name, await session.extensionTab());
      await tab
        .evaluate((p) => {
          (window as unknown as { stale?: boolean }).stale = true;
          location.assign(p);
        }, path)
        .catch(() => undefined);
      await tab.waitUntil((p) => !(window as unknown as { stale?: boolean }).stale && location.pathname + location.search === `/${p}` && document.body.classList.contains('ready'), path);
      return tab;
    },
    async restart() {
      const profileDir = session.profileDir;
      await session.close();
      session = await launchFirefox({ ...opts, profileDir });
    },
    close: () => session.close(),
  };
}

/** What a page showed: the title it ended with and its console errors. */
export interface PageOutcome {
  readonly title: string;
  readonly consoleErrors: string[];
}

/**
 * Opens `url` in a new tab, waits (bounded) until the page replaced its `loading` title, waits
 * `settleMs` more for late console errors (a failed subresource reports after load), and
 * closes the tab.
 */
export async function visitOutcome(browser: ExtensionBrowser, url: string, settleMs = 0, timeoutMs?: number): Promise<PageOutcome> {
  const page = await browser.visit(url);
  await page.waitUntil(() => document.title !== 'loading' && document.title !== '', undefined, timeoutMs);
  if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs));
  const title = await page.evaluate(() => document.title);
  const consoleErrors = [...page.consoleErrors];
  await page.close();
  return { title, consoleErrors };
}

/** The title `url` ends with (see {@link visitOutcome}). */
export const titleOf = async (browser: ExtensionBrowser, url: string): Promise<string> => (await visitOutcome(browser, url)).title;
