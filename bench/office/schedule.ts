// Compressing the working day into real time. The product's own clocks run for real (an update
// is told ~150-250 ms after a file is stored, a lookup may wait ~9 s for a colleague's download,
// Chromium plans its rules 250 ms after a change), so only the human time BETWEEN page views is
// compressed, by `compression`; each page view, and the network and the product inside it, run
// at real speed. Compression must not make colleagues look at the same thing at the same instant
// when in the office they would be minutes apart: the first view of a site, and of a page, by
// each browser comes at least `spacingMs` of real time after another browser's first view of
// that site or page (later views of what a browser has seen are answered by its own HTTP cache
// and are not spaced). A browser's views also keep `browserGapMs` between them.
import type { OfficeTrace, PageView } from './trace.ts';

export interface ScheduledView {
  readonly browser: number;
  /** Index in that browser's views. */
  readonly index: number;
  readonly view: PageView;
  /** Real milliseconds after the start of the run. */
  readonly atMs: number;
}

export interface Schedule {
  readonly views: readonly ScheduledView[];
  readonly compression: number;
  readonly spacingMs: number;
  /** Real length of the day, ms. */
  readonly durationMs: number;
}

export function schedule(trace: OfficeTrace, opts: { compression: number; spacingMs: number; browserGapMs: number }): Schedule {
  const all = trace.browsers.flatMap((b) => b.views.map((view, index) => ({ browser: b.id, index, view })));
  all.sort((a, b) => a.view.at - b.view.at || a.browser - b.browser);
  const lastOfBrowser = new Map<number, number>();
  const lastFirstOf = new Map<string, number>();
  const seen = new Set<string>();
  const out: ScheduledView[] = [];
  for (const v of all) {
    let at = (v.view.at * 1000) / opts.compression;
    at = Math.max(at, (lastOfBrowser.get(v.browser) ?? -Infinity) + opts.browserGapMs);
    // First views of this site and this page by this browser: spaced from colleagues' first views.
    const firsts = [`site ${v.view.page.site}`, `page ${v.view.page.url}`].filter((k) => !seen.has(`${v.browser} ${k}`));
    for (const k of firsts) at = Math.max(at, (lastFirstOf.get(k) ?? -Infinity) + opts.spacingMs);
    for (const k of firsts) {
      seen.add(`${v.browser} ${k}`);
      lastFirstOf.set(k, at);
    }
    lastOfBrowser.set(v.browser, at);
    out.push({ ...v, atMs: Math.round(at) });
  }
  out.sort((a, b) => a.atMs - b.atMs);
  return { views: out, compression: opts.compression, spacingMs: opts.spacingMs, durationMs: out.at(-1)?.atMs ?? 0 };
}

/**
 * Plays a schedule in real time, with backpressure: the schedule's clock stands still while a
 * view that is due cannot start because its browser is still busy with the previous one (the
 * machine is short of CPU, or a page waited for LAN peers), and while this process is too busy
 * to tick. A simulated office that cannot keep
 * up would otherwise start views late and bunch colleagues' views together; instead the day
 * stretches, and order and spacing hold. `start` runs one view; resolves when all have run.
 */
export async function playSchedule(plan: Schedule, start: (v: ScheduledView, realMs: number) => Promise<void>, tickMs = 20): Promise<{ actualMs: number; pausedMs: number }> {
  const busy = new Set<number>();
  const running: Promise<void>[] = [];
  const t0 = performance.now();
  let paused = 0;
  let last = t0;
  let next = 0;
  const waiting: ScheduledView[] = [];
  for (;;) {
    const now = performance.now();
    // A tick that comes late (the event loop was busy) moves the clock by one tick at most, so
    // views due minutes of office time apart never start together.
    if (now - last > 2 * tickMs) paused += now - last - 2 * tickMs;
    const clock = now - t0 - paused;
    // Views due, in schedule order; a view whose browser is busy waits, and stops the clock.
    while (next < plan.views.length && plan.views[next]!.atMs <= clock) waiting.push(plan.views[next++]!);
    for (let i = 0; i < waiting.length; ) {
      const v = waiting[i]!;
      if (busy.has(v.browser)) {
        i++;
        continue;
      }
      waiting.splice(i, 1);
      busy.add(v.browser);
      running.push(start(v, now - t0).finally(() => busy.delete(v.browser)));
    }
    if (waiting.length > 0) paused += Math.min(now - last, 2 * tickMs);
    last = now;
    if (next >= plan.views.length && waiting.length === 0) break;
    await new Promise((r) => setTimeout(r, tickMs));
  }
  await Promise.all(running);
  return { actualMs: performance.now() - t0, pausedMs: paused };
}
