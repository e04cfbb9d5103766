// Runs the real-browser office (real-browsers.ts) in a fresh loopback-only network namespace
// (bounded) and turns its JSON into the bench's lines. Needs root and `unshare -n`, like the
// WebRTC bench; without them it says it skipped.
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

interface Run {
  originBytes: number;
  lanBytesIn: number;
  learnBytes?: number;
  loads: number[];
  failed: number;
}
export interface RealBrowserFigures {
  engines: string[];
  views: number;
  minimum: number;
  without: Run;
  with: Run;
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;

export async function realBrowserOffice(): Promise<{ lines: string[]; figures?: RealBrowserFigures }> {
  const canUnshare = process.getuid?.() === 0 && spawnSync('unshare', ['-n', 'true']).status === 0;
  if (!canUnshare) return { lines: ['office, real browsers: SKIPPED, needs root and `unshare -n` (it runs in a loopback-only network namespace)'] };
  const script = join(import.meta.dirname, 'real-browsers.ts');
  let f: RealBrowserFigures;
  try {
    const { stdout } = await promisify(execFile)(
      'unshare',
      ['-n', 'sh', '-c', `ip link set lo up && ip route add default dev lo src 127.0.0.1 && exec "${process.execPath}" "${script}"`],
      { timeout: 900_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
    );
    f = JSON.parse(stdout.trim().split('\n').at(-1) as string) as RealBrowserFigures;
  } catch (e) {
    return { lines: [`office, real browsers: FAILED: ${String(e).slice(0, 2000)}`] };
  }
  const w = f.with;
  const wo = f.without;
  return {
    figures: f,
    lines: [
      `office, real browsers (${f.engines.join(', ')}, fresh profiles, one LAN node, group key + trustGroupBindings, default privacy; ${f.views} page views interleaved 1 s apart; origin 40 ms, 50 Mbit/s):`,
      `  WAN ${mb(w.originBytes)} with PeerCache = ${(w.originBytes / wo.originBytes).toFixed(2)}x no extension (${mb(wo.originBytes)}), ${(w.originBytes / f.minimum).toFixed(2)}x the minimum (${mb(f.minimum)}: each distinct file once)`,
      `  of the WAN bytes with PeerCache, ${mb(w.learnBytes ?? 0)} were the extension's own downloads to learn files (Chromium cannot read a page's response)`,
      `  LAN ${mb(w.lanBytesIn)} received by the browsers; ${((100 * w.lanBytesIn) / (w.lanBytesIn + w.originBytes)).toFixed(0)}% of the bytes they fetched came from the LAN`,
      `  median page load ${median(w.loads).toFixed(0)} ms with PeerCache vs ${median(wo.loads).toFixed(0)} ms without: ${(median(w.loads) / median(wo.loads)).toFixed(2)}x; pages that did not finish: ${w.failed} with, ${wo.failed} without`,
    ],
  };
}
