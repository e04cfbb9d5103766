// A chain of page loads that drives itself: each measured page, once loaded, posts its
// `loadEventEnd` to the origin's /next and goes to the URL it gets back. No automation is
// attached while it runs (quiet-browser.ts). The chain starts from a `data:` page, which wakes no
// extension listener, so a background stopped before the chain is still asleep at its first load.
import type { OriginServer } from '../../test/support/origin-server.ts';
import type { QuietBrowser } from './quiet-browser.ts';

/** Appended to every measured page: report, then go on. */
export const REPORT_AND_GO_ON =
  "<script>addEventListener('load',()=>setTimeout(async()=>{const n=performance.getEntriesByType('navigation')[0];" +
  "const r=await fetch('/next',{method:'POST',body:JSON.stringify({t:n.loadEventEnd,title:document.title})});const u=await r.text();if(u)location.href=u}))</script>";

export interface Load {
  readonly url: string;
  /** Where its time is recorded; unlabelled loads only warm up. */
  readonly label?: string;
  /** The title the page must end with (its scripts all ran), or the run is void. */
  readonly title?: string;
}

/** One load of a chain: its time, and how many requests reached the origin for its files. */
export interface Measured {
  readonly ms: number;
  /** Requests for anything but the documents (hosts other than the chain's sites): 0 when answered by a cache. */
  readonly originHits: number;
}

export interface Chains {
  /** Loads `loads` in `browser`, in order, and returns what each load took. */
  run(browser: QuietBrowser, loads: readonly Load[], opts?: { startDelayMs?: number }): Promise<Measured[]>;
}

/** Routes /next on each of `hosts` (every site a chain visits). */
export function chains(origin: OriginServer, hosts: readonly string[]): Chains {
  let queue: string[] = [];
  let reports: { t: number; title: string; originHits: number }[] = [];
  // A load's files are requested before its load event, so before its report, and after the
  // report of the load before it.
  let counted = 0;
  const filesSince = (): number => {
    const n = origin.seen.slice(counted).filter((s) => !hosts.includes(s.host)).length;
    counted = origin.seen.length;
    return n;
  };
  let finished: (() => void) | undefined;
  for (const host of hosts) {
    origin.route(host, '/next', (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += String(c)));
      req.on('end', () => {
        reports.push({ ...(JSON.parse(body) as { t: number; title: string }), originHits: filesSince() });
        const next = queue.shift();
        // The chain's end stays on its last page: a navigation of its own could abort the next
        // chain's first one (Firefox: NS_BINDING_ABORTED).
        res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end(next ?? '');
        if (next === undefined) finished?.();
      });
    });
  }
  return {
    async run(browser, loads, opts = {}) {
      queue = loads.slice(1).map((l) => l.url);
      reports = [];
      filesSince();
      const done = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${browser.name}: chain stuck after ${reports.length} of ${loads.length} loads`)), 30_000 + loads.length * 5_000);
        finished = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      const first = JSON.stringify(loads[0]!.url);
      await browser.open(`data:text/html,${encodeURIComponent(`<title>start</title><script>setTimeout(()=>location.href=${first},${opts.startDelayMs ?? 300})</script>`)}`);
      await done;
      return loads.map((l, i) => {
        const r = reports[i]!;
        if (l.title !== undefined && r.title !== l.title) throw new Error(`${browser.name}: ${l.url} ended as "${r.title}", not "${l.title}"`);
        return { ms: r.t, originHits: r.originHits };
      });
    },
  };
}

/** Median and quartiles. */
export function summary(xs: readonly number[]): { median: number; q1: number; q3: number; n: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (f: number): number => s[Math.min(s.length - 1, Math.floor(f * s.length))] ?? NaN;
  const median = s.length % 2 === 0 && s.length > 0 ? (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2 : at(0.5);
  return { median, q1: at(0.25), q3: at(0.75), n: s.length };
}

/**
 * Compares two variants round by round: `op` of each round's medians, and the median of that
 * over the rounds both were measured in. Variants of one round ran minutes apart at most, so
 * load the machine's other users put on it changes each pair less than the whole run.
 */
export function paired(a: readonly Sample[], b: readonly Sample[], op: (a: number, b: number) => number): number {
  const byRound = (xs: readonly Sample[]): Map<number, number> => {
    const m = new Map<number, number[]>();
    for (const x of xs) m.set(x.round, [...(m.get(x.round) ?? []), x.ms]);
    return new Map([...m].map(([r, v]) => [r, summary(v).median]));
  };
  const bs = byRound(b);
  const values = [...byRound(a)].filter(([r]) => bs.has(r)).map(([r, v]) => op(v, bs.get(r)!));
  return summary(values).median;
}

/** A variant of the experiment: a browser, and what to do before each of its turns. */
export interface Variant {
  readonly browser: QuietBrowser;
  readonly beforeTurn?: () => Promise<void>;
  readonly afterTurn?: () => Promise<void>;
  readonly startDelayMs?: number;
}

/** A measured load, with the round it was measured in. */
export interface Sample extends Measured {
  readonly round: number;
}

/**
 * Runs `turn` in every variant, `rounds` times, each round in a shuffled order, so that the
 * machine's other work (the bench machine is shared) falls on every variant alike. Returns the
 * loads per variant and label.
 */
export async function interleave(c: Chains, variants: Readonly<Record<string, Variant>>, turn: (name: string) => readonly Load[], rounds: number): Promise<Map<string, Map<string, Sample[]>>> {
  const out = new Map<string, Map<string, Sample[]>>();
  let seed = 12345;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let round = 0; round < rounds; round++) {
    const names = Object.keys(variants).map((n) => [random(), n] as const).sort((a, b) => a[0] - b[0]).map(([, n]) => n);
    for (const name of names) {
      const v = variants[name]!;
      await v.beforeTurn?.();
      const loads = turn(name);
      const times = await c.run(v.browser, loads, v.startDelayMs === undefined ? {} : { startDelayMs: v.startDelayMs }).finally(() => v.afterTurn?.());
      const byLabel = out.get(name) ?? new Map<string, Sample[]>();
      loads.forEach((l, i) => l.label && byLabel.set(l.label, [...(byLabel.get(l.label) ?? []), { ...times[i]!, round }]));
      out.set(name, byLabel);
    }
  }
  return out;
}
