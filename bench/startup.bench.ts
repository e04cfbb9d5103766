// Start-up (issue 11, item 1): with an organisation policy locking three settings, in Chromium
// and Firefox, on a fresh profile and on a later start of that same profile (the extension is
// loaded again as on every start; its storage.local kept):
// - the options page: from its navigation start to its settings and locks on screen: first
//   (remembered from the last policy seen, mark `peercache:settings-remembered`, fields disabled
//   until confirmed; or else the confirmed ones) and confirmed by the browser's own policy
//   (`peercache:settings-shown`); and to its own script having run (domInteractive);
// - the background: from the browser's start (Chromium: the process spawned, the extension
//   loaded from the command line; Firefox: the add-on installed through WebDriver BiDi into the
//   started browser) to its script starting, to every listener registered (the mark
//   `peercache:listeners-registered`: from then on events reach it) and to its settings known
//   (`peercache:settings-known`: from then on it answers with them).
// Baseline, same run, same rounds: a bare extension whose background only marks and opens a
// blank page of its own on install (what the browser itself costs). PEERCACHE_BASELINE=<dir with
// chrome/ and firefox/ builds> adds another build. The extension opens its options page on
// install, so that is the page measured: its first render. Times are read from the browsers'
// own clocks after the fact (automation attaches only once the marks are set, quiet-browser.ts).
// Chromium also: the options page opened again once the service worker was stopped (as 30 s idle
// does), which a page asking the background must wake.
// STARTUP_ROUNDS (default 5) rounds, each a fresh and a later start per variant, interleaved;
// medians.
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROME_EXTENSION_ID, DIST_CHROME, DIST_FIREFOX } from '../scripts/browsers/paths.ts';
import { writeExtensionPolicy } from '../test/e2e/support/policy-files.ts';
import { benchTemp, quietChromium, quietFirefox } from './page-load/quiet-browser.ts';

const ROUNDS = Number(process.env.STARTUP_ROUNDS ?? 5);
const BASELINE = process.env.PEERCACHE_BASELINE;
/** Three settings an organisation locks. */
const POLICY = { sharingMode: 'off', maxCacheMB: 64, enabled: true };
const LOCKS = Object.keys(POLICY).length;

/** A fresh profile's first start, or a later start of the same profile. */
type StartKind = 'fresh' | 'later';

/** One start, in ms; undefined where the variant has no such moment. */
interface Start {
  /** Page navigation start -> settings and locks first on screen (remembered or confirmed). */
  locksShown?: number;
  /** Page navigation start -> settings and locks confirmed by the browser's policy. */
  locksConfirmed?: number;
  /** Whether the first locks shown were remembered ones (shown before the policy was read). */
  remembered?: boolean;
  /** Page navigation start -> its script ran (domInteractive), or a bare page's load event. */
  pageRendered: number;
  /** Browser start -> the background's script started. */
  backgroundStarted: number;
  /** Browser start -> every listener registered. */
  listenersRegistered: number;
  /** Browser start -> settings known. */
  settingsKnown?: number;
  /** Chromium: the options page opened again after its service worker was stopped (as 30 s idle does). */
  locksShownWorkerStopped?: number;
}

/** What the page and the background report: epoch ms (timeOrigin) and marks since then. */
interface Clocks {
  page: { origin: number; marks: Record<string, number>; interactive: number; loaded: number; locked: number; rememberedLocks: number | null };
  background: { origin: number; marks: Record<string, number> };
}

const PAGE_CLOCKS = `(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  return { origin: performance.timeOrigin, marks: Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])),
    interactive: nav ? nav.domInteractive : NaN, loaded: nav ? nav.loadEventEnd : 0, locked: document.querySelectorAll('.setting.locked').length,
    rememberedLocks: performance.getEntriesByName('peercache:settings-remembered')[0]?.detail?.locked ?? null };
})()`;
const BACKGROUND_CLOCKS = `({ origin: performance.timeOrigin, marks: Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])) })`;

/** A bare extension: its background marks and, on install, opens a blank page of its own. */
function bareExtension(browser: 'chromium' | 'firefox'): string {
  const dir = benchTemp('bare-');
  const background = browser === 'chromium' ? { service_worker: 'background.js' } : { scripts: ['background.js'] };
  const gecko = browser === 'firefox' ? { browser_specific_settings: { gecko: { id: 'peercache-bare@peercache.dev' } } } : {};
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ manifest_version: 3, name: 'bare', version: '1.0', background, ...gecko }));
  writeFileSync(join(dir, 'background.js'), "performance.mark('peercache:listeners-registered');\nchrome.runtime.onInstalled.addListener(() => chrome.tabs.create({ url: 'options.html' }));\n");
  writeFileSync(join(dir, 'options.html'), '<!doctype html><meta charset="utf-8"><title>bare</title><p>bare</p>');
  return dir;
}

/** The builds measured, copied at the start (others may build dist/ again meanwhile). */
function snapshot(from: { chrome: string; firefox: string }): { chrome: string; firefox: string } {
  const dir = benchTemp('dist-');
  cpSync(from.chrome, join(dir, 'chrome'), { recursive: true });
  cpSync(from.firefox, join(dir, 'firefox'), { recursive: true });
  return { chrome: join(dir, 'chrome'), firefox: join(dir, 'firefox') };
}

async function poll<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const settled = (c: Clocks, bare: boolean): boolean =>
  c.page.loaded > 0 && 'peercache:listeners-registered' in c.background.marks && (bare || ('peercache:settings-shown' in c.page.marks && 'peercache:settings-known' in c.background.marks));

/** Let the measured moments pass with no automation attached, then read the clocks. */
const QUIET_MS = 8_000;

async function chromiumStart(extension: string, bare: boolean, profile: string, kind: StartKind): Promise<Start> {
  const started = Date.now();
  const browser = await quietChromium(extension, profile);
  try {
    await new Promise((r) => setTimeout(r, QUIET_MS));
    const clocks = await browser.attached((b) =>
      poll('Chromium: the options page and background marks', async () => {
        const context = b.contexts()[0]!;
        const page = context.pages().find((p) => p.url().endsWith('/options.html'));
        const worker = context.serviceWorkers()[0];
        if (!page || !worker) return undefined;
        const c: Clocks = { page: await page.evaluate(PAGE_CLOCKS), background: await worker.evaluate(BACKGROUND_CLOCKS) };
        return settled(c, bare) ? c : undefined;
      }),
    );
    const start = startOf(clocks, started, bare);
    if (bare || kind === 'later') return start;
    // Later, as most openings of the page: the worker stopped, so a page that asks it must wait
    // for it to start again and run its script.
    await browser.stopBackground();
    const again = await browser.attached(async (b) => {
      const page = await b.contexts()[0]!.newPage();
      await page.goto(`chrome-extension://${CHROME_EXTENSION_ID}/options.html`);
      return poll('Chromium: the options page again', async () => {
        const c = (await page.evaluate(PAGE_CLOCKS)) as Clocks['page'];
        return c.marks['peercache:settings-shown'];
      });
    });
    return { ...start, locksShownWorkerStopped: again };
  } finally {
    await browser.close();
  }
}

// A temporary add-on is removed when Firefox closes; these keep its storage and its UUID for the
// later start, as an installed add-on keeps them.
const FIREFOX_KEEP = { 'extensions.webextensions.keepStorageOnUninstall': true, 'extensions.webextensions.keepUuidOnUninstall': true };

async function firefoxStart(extension: string, bare: boolean, profile: string): Promise<Start> {
  const browser = await quietFirefox(false, FIREFOX_KEEP, profile);
  try {
    type Tree = { contexts: { context: string; url: string }[] };
    const started = Date.now();
    await browser.bidi('webExtension.install', { extensionData: { type: 'path', path: extension } });
    await new Promise((r) => setTimeout(r, QUIET_MS));
    const evaluate = async <T>(context: string, expression: string): Promise<T> => {
      const r = (await browser.bidi('script.evaluate', { expression: `(async () => JSON.stringify(await ${expression}))()`, target: { context }, awaitPromise: true })) as { result: { value: string } };
      return JSON.parse(r.result.value) as T;
    };
    const clocks = await poll('Firefox: the options page and background marks', async () => {
      const tab = ((await browser.bidi('browsingContext.getTree', {})) as Tree).contexts.find((c) => c.url.endsWith('/options.html'));
      if (!tab) return undefined;
      // The event page's own clocks, reached from the extension's page (same process).
      const background = await evaluate<Clocks['background']>(tab.context, `browser.runtime.getBackgroundPage().then((bg) => { const p = bg.performance; return { origin: p.timeOrigin, marks: Object.fromEntries(p.getEntriesByType('mark').map((m) => [m.name, m.startTime])) }; })`);
      const c: Clocks = { page: await evaluate(tab.context, PAGE_CLOCKS), background };
      return settled(c, bare) ? c : undefined;
    });
    return startOf(clocks, started, bare);
  } finally {
    await browser.close();
  }
}

function startOf(c: Clocks, started: number, bare: boolean): Start {
  if (!bare && c.page.locked !== LOCKS) throw new Error(`the options page showed ${c.page.locked} locked settings, not ${LOCKS}`);
  if (!bare && c.page.rememberedLocks !== null && c.page.rememberedLocks !== LOCKS) throw new Error(`the options page showed ${c.page.rememberedLocks} remembered locks, not ${LOCKS}`);
  const at = (mark: string) => c.background.origin + c.background.marks[mark]! - started;
  const confirmed = c.page.marks['peercache:settings-shown']!;
  const remembered = c.page.marks['peercache:settings-remembered'];
  return {
    ...(bare ? {} : { locksShown: remembered ?? confirmed, locksConfirmed: confirmed, remembered: remembered !== undefined, settingsKnown: at('peercache:settings-known') }),
    pageRendered: bare ? c.page.loaded : c.page.interactive,
    backgroundStarted: c.background.origin - started,
    listenersRegistered: at('peercache:listeners-registered'),
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const ms = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '   -' : `${Math.round(x)}`.padStart(4));

export async function run(): Promise<string[]> {
  const lines = [`start-up: a policy locking ${LOCKS} settings; ${ROUNDS} rounds of a fresh profile's start and a later start of that profile, per variant (medians, ms)`];
  const builds = { PeerCache: snapshot({ chrome: DIST_CHROME, firefox: DIST_FIREFOX }), ...(BASELINE ? { 'baseline build': snapshot({ chrome: join(BASELINE, 'chrome'), firefox: join(BASELINE, 'firefox') }) } : {}) };
  const removers = (['chromium', 'firefox'] as const).map((b) => writeExtensionPolicy(b, POLICY));
  const removePolicies = (): void => removers.forEach((r) => r());
  process.once('exit', removePolicies);
  // Chromium holds back a policy file changed in its last seconds (it waits for the file to
  // settle): an organisation's file is older than that.
  await new Promise((r) => setTimeout(r, 6_000));
  try {
    for (const browser of ['chromium', 'firefox'] as const) {
      const variants: Record<string, { dir: string; bare: boolean }> = {
        'bare extension': { dir: bareExtension(browser), bare: true },
        ...Object.fromEntries(Object.entries(builds).map(([name, b]) => [name, { dir: browser === 'chromium' ? b.chrome : b.firefox, bare: false }])),
      };
      const results = new Map<string, Start[]>(Object.keys(variants).flatMap((v) => [`${v}|fresh`, `${v}|later`]).map((k) => [k, []]));
      try {
        for (let round = 0; round < ROUNDS; round++) {
          for (const [name, v] of Object.entries(variants)) {
            const profile = benchTemp(`${browser}-profile-`);
            for (const kind of ['fresh', 'later'] as const) {
              const start = browser === 'chromium' ? await chromiumStart(v.dir, v.bare, profile, kind) : await firefoxStart(v.dir, v.bare, profile);
              results.get(`${name}|${kind}`)!.push(start);
            }
          }
        }
      } catch (e) {
        lines.push(` ${browser}: failed: ${String(e)}`);
        continue;
      }
      lines.push(...report(browser, results));
    }
  } finally {
    removePolicies();
  }
  return lines;
}

function report(browser: 'chromium' | 'firefox', results: Map<string, Start[]>): string[] {
  const chromium = browser === 'chromium';
  const lines = [
    ` ${browser} (background times from: ${chromium ? 'browser spawned' : 'add-on installed'})`,
    `   variant, start           locks shown  confirmed  remembered  page rendered  bg started  listeners  settings known${chromium ? '  locks shown, worker stopped' : ''}`,
  ];
  for (const [key, starts] of results) {
    const [name, kind] = key.split('|') as [string, StartKind];
    const m = (f: (s: Start) => number | undefined): number | undefined => (starts.some((s) => f(s) === undefined) ? undefined : median(starts.map((s) => f(s)!)));
    const remembered = name === 'bare extension' ? '   -' : `${starts.filter((s) => s.remembered).length}/${starts.length}`;
    lines.push(
      `   ${`${name}, ${kind}`.padEnd(24)} ${ms(m((s) => s.locksShown)).padStart(11)}  ${ms(m((s) => s.locksConfirmed)).padStart(9)}  ${remembered.padStart(10)}  ${ms(m((s) => s.pageRendered)).padStart(13)}  ${ms(m((s) => s.backgroundStarted)).padStart(10)}  ${ms(m((s) => s.listenersRegistered)).padStart(9)}  ${ms(m((s) => s.settingsKnown)).padStart(14)}${chromium ? ms(m((s) => s.locksShownWorkerStopped)).padStart(29) : ''}`,
    );
    if (name === 'bare extension') continue;
    // Per round against the bare extension's start of the same round and kind (the machine's load drifts).
    const bare = results.get(`bare extension|${kind}`)!;
    const ratio = (f: (s: Start) => number | undefined, g: (s: Start) => number) => median(starts.map((s, i) => f(s)! / g(bare[i]!))).toFixed(2);
    lines.push(
      `     vs bare: locks shown / bare page rendered ${ratio((s) => s.locksShown, (s) => s.pageRendered)}x, confirmed / bare page rendered ${ratio((s) => s.locksConfirmed, (s) => s.pageRendered)}x, listeners / bare listeners ${ratio((s) => s.listenersRegistered, (s) => s.listenersRegistered)}x; its script ran ${ms(median(starts.map((s) => s.listenersRegistered - s.backgroundStarted)))} ms after it started`,
    );
  }
  return lines;
}
