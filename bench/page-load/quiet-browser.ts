// Browsers measured with no automation listening. Playwright enables the DevTools Network domain
// on every page it attaches to, and puppeteer subscribes Firefox's WebDriver BiDi session to
// network events: each request, with its URL, is then reported to the test process. A `data:`
// URL of 80 kB is reported whole, several times per request, which no user's browser pays for
// (measured: the same PeerCache page loaded 1.3-1.4x slower with Playwright attached).
// So automation attaches only to set up and to start a chain of page loads (chain.ts); the
// pages then navigate themselves.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { GECKO_ID } from '../../scripts/browsers/paths.ts';
import { FIREFOX_EXTENSION_UUID } from '../../scripts/browsers/firefox.ts';
import { TEST_HOSTS, testCertificateSpki } from '../../test/support/tls-cert.ts';

export interface QuietBrowser {
  readonly name: 'chromium' | 'firefox';
  /** Navigates the first tab to `url` and lets go of the browser. */
  open(url: string): Promise<void>;
  /** Stops the extension's background (Chromium's service worker), as 30 s idle would. */
  stopBackground(): Promise<void>;
  close(): Promise<void>;
}

export interface QuietChromium extends QuietBrowser {
  /** Runs `fn` with Playwright attached over CDP, then detaches. */
  attached<T>(fn: (browser: Browser) => Promise<T>): Promise<T>;
}

export interface QuietFirefox extends QuietBrowser {
  /** One WebDriver BiDi command of the session (which subscribes to no event). */
  bidi(method: string, params: object): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- BiDi results are JSON
}

// Browsers this process started, and the profiles and extensions it wrote: killed and removed
// when it exits however it exits (a failed run must not leave them behind on a shared machine).
const started = new Set<ChildProcess>();
const runDir = join(tmpdir(), `peercache-bench-${process.pid}`);
process.once('exit', () => {
  started.forEach((c) => c.kill('SIGKILL'));
  rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

/** A new directory for this run's files (profiles, extensions, builds), removed at exit. */
export function benchTemp(prefix: string): string {
  mkdirSync(runDir, { recursive: true });
  return mkdtempSync(join(runDir, prefix));
}

async function stop(child: ChildProcess): Promise<void> {
  started.delete(child);
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill();
  await exited;
}

const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  `--host-resolver-rules=${TEST_HOSTS.map((h) => `MAP ${h} 127.0.0.1`).join(', ')}`, `--ignore-certificate-errors-spki-list=${testCertificateSpki()}`,
];

/** Chromium with `extensionDir` loaded (or none), its DevTools port open but nobody attached. */
export async function quietChromium(extensionDir: string | false, profileDir = benchTemp('chromium-')): Promise<QuietChromium> {
  const extension = extensionDir ? [`--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`] : [];
  // A profile started before keeps the port file of its last run: wait for this run's.
  rmSync(join(profileDir, 'DevToolsActivePort'), { force: true });
  const child = spawn('/usr/bin/chromium', [...CHROMIUM_ARGS, ...extension, `--user-data-dir=${profileDir}`, '--remote-debugging-port=0', 'about:blank'], { stdio: 'ignore' });
  started.add(child);
  const portFile = join(profileDir, 'DevToolsActivePort');
  const deadline = Date.now() + 30_000;
  while (!existsSync(portFile) || readFileSync(portFile, 'utf8').split('\n').length < 2) {
    if (Date.now() > deadline) throw new Error('Chromium did not open its DevTools port within 30 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  const endpoint = `http://127.0.0.1:${readFileSync(portFile, 'utf8').split('\n')[0]}`;
  const attached = async <T>(fn: (browser: Browser) => Promise<T>): Promise<T> => {
    const browser = await chromium.connectOverCDP(endpoint);
    try {
      return await fn(browser);
    } finally {
      await browser.close(); // over CDP this only detaches
    }
  };
  return {
    name: 'chromium',
    attached,
    open: (url) =>
      attached(async (b) => {
        const context = b.contexts()[0]!;
        const page = context.pages().find((p) => !p.url().startsWith('chrome-extension:')) ?? (await context.newPage());
        await page.goto(url, { waitUntil: 'commit' });
      }),
    stopBackground: () =>
      attached(async (b) => {
        const cdp = await b.newBrowserCDPSession();
        const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: { type: string; targetId: string }[] };
        for (const t of targetInfos.filter((t) => t.type === 'service_worker')) await cdp.send('Target.closeTarget', { targetId: t.targetId });
      }),
    close: () => stop(child),
  };
}

/**
 * Firefox ESR with `extensionDir` installed as a temporary add-on (or none), through a WebDriver
 * BiDi session of our own that subscribes to nothing. The session stays open: it is what accepts
 * the test origin's certificate.
 */
export async function quietFirefox(extensionDir: string | false, prefs: Record<string, string | number | boolean> = {}, profileDir = benchTemp('firefox-')): Promise<QuietFirefox> {
  const all: Record<string, string | number | boolean> = {
    'network.dns.localDomains': TEST_HOSTS.join(','),
    'network.dns.disableIPv6': true,
    'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_EXTENSION_UUID }),
    'browser.shell.checkDefaultBrowser': false,
    'browser.startup.homepage_override.mstone': 'ignore',
    'browser.aboutwelcome.enabled': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'app.update.disabledForTesting': true,
    ...prefs,
  };
  writeFileSync(join(profileDir, 'user.js'), Object.entries(all).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`).join('\n'));
  const child = spawn('/usr/bin/firefox-esr', ['--headless', '--no-remote', '--profile', profileDir, '--remote-debugging-port=0', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
  started.add(child);
  const wsUrl = await new Promise<string>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`Firefox did not open WebDriver BiDi within 30 s: ${err}`)), 30_000);
    child.stderr!.on('data', (chunk) => {
      err += String(chunk);
      const m = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  const ws = new WebSocket(`${wsUrl}/session`);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let nextId = 1;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  ws.onmessage = (event) => {
    const m = JSON.parse(String(event.data)) as { id?: number; type: string; result?: unknown; error?: string; message?: string };
    const w = m.id === undefined ? undefined : waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id!);
    if (m.type === 'error') w.reject(new Error(`${m.error}: ${m.message}`));
    else w.resolve(m.result);
  };
  const bidi = (method: string, params: object): Promise<any> => // eslint-disable-line @typescript-eslint/no-explicit-any -- BiDi results are JSON
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, method, params }));
    });
  await bidi('session.new', { capabilities: { alwaysMatch: { acceptInsecureCerts: true } } });
  if (extensionDir) await bidi('webExtension.install', { extensionData: { type: 'path', path: extensionDir } });
  const firstTab = async (): Promise<string> => {
    const { contexts } = (await bidi('browsingContext.getTree', {})) as { contexts: { context: string; url: string }[] };
    return (contexts.find((c) => !c.url.startsWith('moz-extension:')) ?? contexts[0]!).context;
  };
  return {
    name: 'firefox',
    bidi,
    open: async (url) => void (await bidi('browsingContext.navigate', { context: await firstTab(), url, wait: 'none' })),
    // Firefox suspends an idle event page by itself (extensions.background.idle.timeout); a
    // bench that wants it asleep starts that browser with a short timeout and waits.
    stopBackground: async () => undefined,
    async close() {
      ws.close();
      await stop(child);
    },
  };
}
