// `npm run bench -- office-sim` (issue 12, item 3b; `office` is part (a), the same web in real
// browsers): how many bytes an office sends over its WAN link with PeerCache, against no
// extension and the theoretical minimum. Each office size and
// configuration is one simulation (simulation.ts) in a child process (run-one.ts), all at once
// by default (OFFICE_PARALLEL=n to limit). Prints the figures, writes bench/office/results.json and docs/office.svg.
//
// Sizes: N=10 and N=50 by default. N=200 is not simulated by default: the browsers' real code
// costs ~8 s of CPU per browser and day at N=50 (every browser stores every file the office
// learns, in fake IndexedDB, which scans its tables on every write, and processes every update
// the LAN node fans out), so N=200 needs about half an hour of CPU per configuration. Ask for
// it with OFFICE_BROWSERS=200 (or any list, e.g. 10,50,200; OFFICE_CONFIGS=default for one
// configuration); results.json keeps the runs of other sizes. The yardsticks (no extension,
// minimum) are printed for 200 anyway. A full default run is ~900 s of CPU: about 8 minutes on
// two idle cores, 12 on this shared machine under load.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { yardsticks } from './baseline.ts';
import { hashList } from './library-pool.ts';
import { RESULTS_PATH, SVG_PATH, officeSvg } from './plot.ts';
import { details, headline, preamble } from './report.ts';
import { CONFIGS, type ConfigName, type RunOptions, type RunResult } from './simulation.ts';
import { officeTrace, officeWeb } from './trace.ts';

export interface OfficeResults {
  readonly generatedAt: string;
  readonly seed: number;
  readonly options: Omit<RunOptions, 'browsers' | 'config'>;
  readonly yardsticks: readonly { browsers: number; noExtensionBytes: number; minimumBytes: number; minimumPackagedBytes: number; uniqueFiles: number }[];
  /** Each with the time its run ended: runs of sizes not asked for this time are kept from earlier runs. */
  readonly runs: readonly (RunResult & { readonly at?: string })[];
}

const SEED = 12;
const OPTIONS = { seed: SEED, compression: 300, spacingMs: 1_000, browserGapMs: 1_500, drainMs: 8_000 };
const YARDSTICK_SIZES = [10, 50, 200];

/** One simulation in its own process; resolves to its result. */
function runOne(options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(import.meta.dirname, 'run-one.ts'), JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as RunResult);
      else reject(new Error(`office N=${options.browsers} ${options.config} failed (${code}): ${err.slice(-2000)}`));
    });
  });
}

/** Runs `jobs` at most `parallel` at a time, keeping their order in the results. */
async function pool<T>(jobs: (() => Promise<T>)[], parallel: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]!();
      }
    }),
  );
  return results;
}

export async function run(): Promise<string[]> {
  const sizes = (process.env['OFFICE_BROWSERS'] ?? '10,50').split(',').map(Number).filter((n) => n > 0);
  const configs = (process.env['OFFICE_CONFIGS'] ?? Object.keys(CONFIGS).join(',')).split(',').filter((c): c is ConfigName => c in CONFIGS);
  const web = officeWeb(SEED);
  const list = hashList();
  const isPackaged = (f: { url: string }): boolean => {
    const listed = list.lookup(f.url);
    return !!listed && !!list.packagedFile(listed.key);
  };
  const yard = [...new Set([...YARDSTICK_SIZES, ...sizes])].sort((a, b) => a - b).map((browsers) => {
    const y = yardsticks(officeTrace({ seed: SEED, browsers, web }), isPackaged);
    return { browsers, noExtensionBytes: y.noExtension, minimumBytes: y.minimum, minimumPackagedBytes: y.minimumPackaged, uniqueFiles: y.uniqueFiles };
  });
  const lines = preamble({ ...OPTIONS, sites: web.sites.length, files: web.files.size, webBytes: [...web.files.values()].reduce((n, f) => n + f.size, 0) });
  for (const y of yard) {
    lines.push(`  N=${y.browsers}: no extension ${(y.noExtensionBytes / 1e6).toFixed(1)} MB, minimum ${(y.minimumBytes / 1e6).toFixed(1)} MB (${y.uniqueFiles} files; ${(y.minimumPackagedBytes / 1e6).toFixed(1)} MB of them ship in the extension)`);
  }
  // All at once, largest offices first: a small office mostly waits for its day's clock, and a
  // run that falls behind stretches its day rather than bunching its views (schedule.ts).
  const jobs = [...sizes].sort((a, b) => b - a).flatMap((browsers) => configs.map((config) => async () => ({ ...(await runOne({ ...OPTIONS, browsers, config })), at: new Date().toISOString() })));
  const runs = await pool(jobs, Number(process.env['OFFICE_PARALLEL'] ?? 4));
  runs.sort((a, b) => a.browsers - b.browsers || a.config.localeCompare(b.config));
  for (const r of runs) lines.push(headline(r), ...details(r));
  // Runs not repeated this time stay (same seed and options only), so N=200 can be added apart.
  const earlier = existsSync(RESULTS_PATH) ? (JSON.parse(readFileSync(RESULTS_PATH, 'utf8')) as OfficeResults) : undefined;
  const kept = earlier && earlier.seed === SEED && JSON.stringify(earlier.options) === JSON.stringify(OPTIONS) ? earlier.runs.filter((r) => !runs.some((n) => n.browsers === r.browsers && n.config === r.config)) : [];
  const all = [...kept, ...runs].sort((a, b) => a.browsers - b.browsers || a.config.localeCompare(b.config));
  const results: OfficeResults = { generatedAt: new Date().toISOString(), seed: SEED, options: OPTIONS, yardsticks: yard, runs: all };
  writeFileSync(RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(SVG_PATH, officeSvg(results));
  lines.push(`  wrote ${RESULTS_PATH.replace(`${process.cwd()}/`, '')} and ${SVG_PATH.replace(`${process.cwd()}/`, '')}`);
  return lines;
}
