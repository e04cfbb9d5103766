// Page load (issue 12, item 4): a page whose 20 scripts of 60 kB PeerCache answers, and a page of
// 6 packaged library files, against the warm HTTP cache of the same browser in the same run,
// in Chromium and Firefox; and where the time goes: each cause switched off in a controlled
// experiment (a variant), so its share is the difference it makes.
// - Browsers are measured with no automation attached (quiet-browser.ts); a chain of loads
//   drives itself (chain.ts); variants are interleaved round by round (the machine is shared).
// - "Bare" variants do one thing PeerCache does with no PeerCache code (extensions.ts): what
//   the browser itself costs.
// - PEERCACHE_BASELINE=<dir with chrome/ and firefox/ builds> adds that build, measured in the
//   same run (before/after a change). PAGE_LOAD_ROUNDS sets the rounds (default 8),
//   PAGE_LOAD_BROWSERS which browsers (default chromium,firefox), PAGE_LOAD_DEVTOOLS=1 adds
//   Chromium with DevTools attached.
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { DIST_CHROME, DIST_FIREFOX } from '../scripts/browsers/paths.ts';
import { startOriginServer } from '../test/support/origin-server.ts';
import { chains, interleave, paired, summary, type Chains, type Load, type Sample, type Variant } from './page-load/chain.ts';
import { blockingDataExtension, blockingPassExtension, dataRulesExtension, NO_LISTENERS, NO_REDIRECT_LISTENER, packagedRulesExtension, peercacheWithout, sessionRulesExtension } from './page-load/extensions.ts';
import { readyChromium, readyFirefox } from './page-load/peercache.ts';
import { benchTemp, quietChromium, quietFirefox, type QuietBrowser, type QuietChromium } from './page-load/quiet-browser.ts';
import { MEASURED, routeBenchWeb, SCRIPT_BYTES, SCRIPTS, SITES, type BenchWeb } from './page-load/web.ts';

const ROUNDS = Number(process.env.PAGE_LOAD_ROUNDS ?? 8);
const BASELINE = process.env.PEERCACHE_BASELINE;
const BROWSERS = (process.env.PAGE_LOAD_BROWSERS ?? 'chromium,firefox').split(',');
/** Adds Chromium with Playwright attached, as this bench measured until issue 12 (not a user's cost). */
const DEVTOOLS = process.env.PAGE_LOAD_DEVTOOLS === '1';

type Results = Map<string, Map<string, Sample[]>>;

/**
 * The builds measured, copied at the start: other work in the same checkout may build dist/
 * again while the bench runs.
 */
function snapshot(): { chrome: string; firefox: string } {
  const dir = benchTemp('dist-');
  cpSync(DIST_CHROME, join(dir, 'chrome'), { recursive: true });
  cpSync(DIST_FIREFOX, join(dir, 'firefox'), { recursive: true });
  return { chrome: join(dir, 'chrome'), firefox: join(dir, 'firefox') };
}

/** What each variant loads in a turn: the measured loads come after a load that wakes the background. */
function turns(web: BenchWeb) {
  const page = (p: 'bench' | 'packaged' | 'floor', label?: string): Load => ({ url: web.url(p), title: web.title(p), ...(label ? { label } : {}) });
  return {
    /** No extension: the bench page and the packaged page from the warm HTTP cache. */
    plain: [page('bench'), page('floor', 'floor'), page('bench', 'page'), page('bench', 'page'), page('packaged'), page('packaged', 'packaged'), page('packaged', 'packaged')],
    /** An extension answering the bench page. */
    data: [page('bench'), page('floor', 'floor'), page('bench', 'page'), page('bench', 'page')],
    /** PeerCache: both pages. */
    both: [page('bench'), page('floor', 'floor'), page('bench', 'page'), page('bench', 'page'), page('packaged'), page('packaged', 'packaged'), page('packaged', 'packaged')],
    /** The first load after the background was stopped. */
    asleep: [page('bench', 'page'), page('floor', 'floor')],
    packaged: [page('packaged'), page('floor', 'floor'), page('packaged', 'packaged'), page('packaged', 'packaged')],
  };
}

/** Playwright attached while the chain runs, as the earlier version of this bench measured. */
function devtoolsAttached(browser: QuietChromium): Variant {
  let detach: (() => void) | undefined;
  const view: QuietBrowser = {
    ...browser,
    open: (url) =>
      new Promise<void>((opened) => {
        void browser.attached(async (b) => {
          const context = b.contexts()[0]!;
          const page = context.pages().find((p) => !p.url().startsWith('chrome-extension:')) ?? (await context.newPage());
          await page.goto(url, { waitUntil: 'commit' });
          opened();
          await new Promise<void>((r) => (detach = r));
        });
      }),
  };
  return { browser: view, afterTurn: async () => detach?.() };
}

/** A copy of a profile PeerCache learned in, for a variant started on it. */
function copyProfile(dir: string): string {
  const copy = benchTemp('profile-');
  cpSync(dir, copy, { recursive: true, filter: (src) => !/Singleton|DevToolsActivePort/.test(src) });
  return copy;
}

async function chromiumRun(c: Chains, web: BenchWeb, dist: string, lines: string[]): Promise<Results> {
  const t = turns(web);
  const all: QuietBrowser[] = [];
  const launch = async (dir: string | false, profile?: string): Promise<QuietChromium> => {
    const b = await quietChromium(dir, profile);
    all.push(b);
    return b;
  };
  try {
    const learned = benchTemp('learned-');
    const teacher = await quietChromium(dist, learned);
    const rules = await readyChromium(teacher, web).finally(() => teacher.close());
    const peercache = async (dist: string): Promise<QuietChromium> => {
      const b = await launch(dist, copyProfile(learned));
      await readyChromium(b, web, false);
      return b;
    };
    const pc = await peercache(dist);
    const bareListeners = async (): Promise<Record<string, Variant>> => {
      const b = await launch(sessionRulesExtension(rules, true));
      return { 'bare session rules + listeners': { browser: b }, 'bare session rules + listeners, worker stopped': { browser: b, beforeTurn: () => b.stopBackground() } };
    };
    const baselineChromium = async (): Promise<Record<string, Variant>> => {
      const base = await peercache(join(BASELINE!, 'chrome'));
      return { 'PeerCache, baseline build': { browser: base }, 'PeerCache, baseline build, worker stopped': { browser: base, beforeTurn: () => base.stopBackground() } };
    };
    const variants: Record<string, Variant> = {
      'warm HTTP cache': { browser: await launch(false) },
      'bare data: rules': { browser: await launch(dataRulesExtension(web)) },
      'bare session rules': { browser: await launch(sessionRulesExtension(rules)) },
      ...(await bareListeners()),
      'bare packaged, dynamic URL': { browser: await launch(packagedRulesExtension(web, true)) },
      'bare packaged, fixed URL': { browser: await launch(packagedRulesExtension(web, false)) },
      PeerCache: { browser: pc },
      'PeerCache, worker stopped': { browser: pc, beforeTurn: () => pc.stopBackground() },
      ...(DEVTOOLS ? { 'PeerCache, DevTools attached': devtoolsAttached(pc) } : {}),
      'PeerCache, no listeners': { browser: await peercache(peercacheWithout(dist, 'no-listeners', NO_LISTENERS)) },
      'PeerCache, no onBeforeRedirect': { browser: await peercache(peercacheWithout(dist, 'no-redirect-listener', NO_REDIRECT_LISTENER)) },
      'PeerCache, no content script': { browser: await peercache(peercacheWithout(dist, 'no-content-script', '', (m) => delete m.content_scripts)) },
      ...(BASELINE ? await baselineChromium() : {}),
    };
    lines.push(`  (PeerCache's session rules: ${rules.length}, ${(JSON.stringify(rules).length / 1e6).toFixed(2)} MB)`);
    return await interleave(c, variants, (name) => {
      if (name === 'warm HTTP cache') return t.plain;
      if (name.startsWith('bare packaged')) return t.packaged;
      if (name.endsWith('worker stopped')) return t.asleep;
      if (name.startsWith('bare')) return t.data;
      return name === 'PeerCache' || name.endsWith('baseline build') ? t.both : t.data;
    }, ROUNDS);
  } finally {
    for (const b of all) await b.close();
  }
}

/** Firefox suspends an idle event page after this long (default 30 s); the "asleep" variant waits longer. */
const IDLE_MS = 1_000;

async function firefoxRun(c: Chains, web: BenchWeb, dist: string): Promise<Results> {
  const t = turns(web);
  const all: QuietBrowser[] = [];
  const launch = async (dir: string | false, prefs: Record<string, number> = {}) => {
    const b = await quietFirefox(dir, prefs);
    all.push(b);
    return b;
  };
  try {
    const peercache = async (dist: string, prefs: Record<string, number> = {}) => {
      const b = await launch(dist, prefs);
      await readyFirefox(b, web);
      return b;
    };
    const variants: Record<string, Variant> = {
      'warm HTTP cache': { browser: await launch(false) },
      'bare blocking listeners, no answer': { browser: await launch(blockingPassExtension()) },
      'bare blocking listeners, data: from memory': { browser: await launch(blockingDataExtension(web)) },
      'bare blocking listeners, data: from memory, background suspended': { browser: await launch(blockingDataExtension(web), { 'extensions.background.idle.timeout': IDLE_MS }), startDelayMs: IDLE_MS * 3 },
      'bare packaged, dynamic URL': { browser: await launch(packagedRulesExtension(web, true)) },
      PeerCache: { browser: await peercache(dist) },
      'PeerCache, background suspended': { browser: await peercache(dist, { 'extensions.background.idle.timeout': IDLE_MS }), startDelayMs: IDLE_MS * 3 },
      ...(BASELINE
        ? {
            'PeerCache, baseline build': { browser: await peercache(join(BASELINE, 'firefox')) },
            'PeerCache, baseline build, background suspended': { browser: await peercache(join(BASELINE, 'firefox'), { 'extensions.background.idle.timeout': IDLE_MS }), startDelayMs: IDLE_MS * 3 },
          }
        : {}),
    };
    return await interleave(c, variants, (name) => {
      if (name === 'warm HTTP cache') return t.plain;
      if (name.startsWith('bare packaged')) return t.packaged;
      if (name.endsWith('background suspended')) return t.asleep;
      if (name.startsWith('bare')) return t.data;
      return t.both;
    }, ROUNDS);
  } finally {
    for (const b of all) await b.close();
  }
}

const fmt = (ms: number): string => ms.toFixed(0).padStart(5);

/** The table of one browser: each variant's median and quartiles, and its ratio to the warm HTTP cache, round by round. */
function table(results: Results, label: 'page' | 'packaged' | 'floor', warmLabel: 'page' | 'packaged'): string[] {
  const warm = results.get('warm HTTP cache')?.get(warmLabel) ?? [];
  const out: string[] = [];
  for (const [name, byLabel] of results) {
    const loads = byLabel.get(label);
    if (!loads?.length) continue;
    const s = summary(loads.map((l) => l.ms));
    const ratio = paired(loads, warm, (a, b) => a / b);
    // A variant that claims a cache must reach the origin for no file: the count shows it does.
    const hits = loads.reduce((n, l) => n + l.originHits, 0);
    out.push(`    ${name.padEnd(48)} ${fmt(s.median)} ms (${fmt(s.q1).trim()}-${fmt(s.q3).trim()}, n=${s.n})  ${ratio.toFixed(2)}x warm  origin hits ${hits}`);
  }
  return out;
}

/** Shares of the gap between PeerCache and the warm HTTP cache, each from the two variants that differ in that cause only. */
function causes(results: Results, label: 'page' | 'packaged', rows: ReadonlyArray<[string, string, string]>): string[] {
  const diff = (a: string, b: string): number | undefined => {
    const x = results.get(a)?.get(label);
    const y = results.get(b)?.get(label);
    return x?.length && y?.length ? paired(x, y, (p, q) => p - q) : undefined;
  };
  const gap = diff('PeerCache', 'warm HTTP cache') ?? NaN;
  const out = [`    gap PeerCache - warm HTTP cache: ${gap.toFixed(0)} ms; each cause, with - without (median of the rounds' differences):`];
  for (const [cause, withIt, without] of rows) {
    const d = diff(withIt, without);
    if (d === undefined) continue;
    out.push(`      ${cause.padEnd(64)} ${fmt(d)} ms ${((d / gap) * 100).toFixed(0).padStart(4)}%`);
  }
  return out;
}

function report(browser: string, results: Results, rows: { page: ReadonlyArray<[string, string, string]>; packaged: ReadonlyArray<[string, string, string]> }): string[] {
  return [
    `  ${browser}: the bench page (${SCRIPTS} scripts x ${SCRIPT_BYTES / 1000} kB on ${MEASURED}), median (quartiles) of ${ROUNDS} rounds:`,
    ...table(results, 'page', 'page'),
    `  ${browser}: the same document without scripts (the floor: its own round trip), against the warm bench page:`,
    ...table(results, 'floor', 'page'),
    ...causes(results, 'page', rows.page),
    `  ${browser}: the packaged page (library files PeerCache ships, with their fonts):`,
    ...table(results, 'packaged', 'packaged'),
    ...causes(results, 'packaged', rows.packaged),
  ];
}

export async function run(): Promise<string[]> {
  const origin = await startOriginServer({ latencyMs: 50, bytesPerSecond: 1_250_000 });
  const lines = ['page load: 50 ms latency, ~10 Mbit/s per connection; no automation attached while measuring; ratios to the warm HTTP cache of the same run'];
  try {
    const web = routeBenchWeb(origin);
    const c = chains(origin, SITES);
    const dist = snapshot();
    // One browser failing (a shared machine under load) keeps the other's figures.
    const failed = (browser: string) => (e: unknown) => void lines.push(`  ${browser}: run failed: ${String(e)}`);
    if (BROWSERS.includes('chromium')) {
      const chromium = await chromiumRun(c, web, dist.chrome, lines).catch(failed('Chromium'));
      if (chromium) lines.push(
        ...report('Chromium', chromium, {
          page: [
            ['the browser answering data: URLs (bare static rules - warm)', 'bare data: rules', 'warm HTTP cache'],
            ["PeerCache's rules: regex and CSP gates (session - static)", 'bare session rules', 'bare data: rules'],
            ["PeerCache's code while the page loads (PeerCache - its rules)", 'PeerCache', 'bare session rules'],
            ['  of which its webRequest listeners', 'PeerCache', 'PeerCache, no listeners'],
            ['  (the same listeners doing nothing: bare + listeners - bare)', 'bare session rules + listeners', 'bare session rules'],
            ['  of which onBeforeRedirect (served-request stats)', 'PeerCache', 'PeerCache, no onBeforeRedirect'],
            ['  of which the content script', 'PeerCache', 'PeerCache, no content script'],
            ['the worker stopped before the page (it starts for it)', 'PeerCache, worker stopped', 'PeerCache'],
            ['  (a worker with the same listeners doing nothing, stopped)', 'bare session rules + listeners, worker stopped', 'bare session rules + listeners'],
            ['not a user cost: DevTools attached (the earlier bench)', 'PeerCache, DevTools attached', 'PeerCache'],
          ],
          packaged: [
            ['the browser redirecting to web-accessible files (bare fixed URL)', 'bare packaged, fixed URL', 'warm HTTP cache'],
            ['use_dynamic_url (dynamic - fixed)', 'bare packaged, dynamic URL', 'bare packaged, fixed URL'],
            ["PeerCache's code and rules (PeerCache - bare dynamic)", 'PeerCache', 'bare packaged, dynamic URL'],
          ],
        }),
      );
    }
    if (BROWSERS.includes('firefox')) {
      const firefox = await firefoxRun(c, web, dist.firefox).catch(failed('Firefox'));
      if (firefox) lines.push(
        ...report('Firefox', firefox, {
          page: [
            ['blocking webRequest on every request (bare, no answer - warm)', 'bare blocking listeners, no answer', 'warm HTTP cache'],
            ['answering data: URLs from memory (bare data: - bare no answer)', 'bare blocking listeners, data: from memory', 'bare blocking listeners, no answer'],
            ["PeerCache's work per request (PeerCache - bare data:)", 'PeerCache', 'bare blocking listeners, data: from memory'],
            ['the event page suspended before the page (it starts for it)', 'PeerCache, background suspended', 'PeerCache'],
            ['  (the bare data: extension suspended: Firefox\'s own wake)', 'bare blocking listeners, data: from memory, background suspended', 'bare blocking listeners, data: from memory'],
          ],
          packaged: [
            ['the browser redirecting to web-accessible files (bare)', 'bare packaged, dynamic URL', 'warm HTTP cache'],
            ["PeerCache's code (PeerCache - bare)", 'PeerCache', 'bare packaged, dynamic URL'],
          ],
        }),
      );
    }
  } finally {
    await origin.close();
  }
  return lines;
}
