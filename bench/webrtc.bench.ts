// Browser to browser over WebRTC: two headless Chromiums run the product's browser node and
// block protocol (bench/webrtc/page.ts) and connect directly through the LAN node's relay
// (`/p2p-circuit/webrtc`). Measured: a 10 MiB block, a 100 kB block on a warm connection, and
// dial() to connected (50 dials: how many fail, median and p95). Baselines measured in this same
// run: the same 10 MiB over a plain RTCDataChannel between the same two pages (raw-channel.ts,
// interleaved with the block runs), and after the browsers are gone (baselines.ts) raw TCP moving
// the same bytes, the block protocol between two Node peers over TCP (block.bench.ts) and a
// libp2p TCP dial.
//
// Everything runs in a loopback-only network namespace (platform-notes.md; as
// test/e2e/webrtc.test.ts does), so ICE can only use 127.0.0.1. That needs root and unshare.
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { median } from './block.bench.ts';
import type { Baselines } from './webrtc/baselines.ts';
import { BULK_RUNS, SMALL_RUNS } from './webrtc/runs.ts';

export interface Figures {
  dials: { ms: number; remoteAddr?: string; limited?: boolean; error?: string; steps?: string; pcs?: string[] }[];
  bulkMs: number[];
  /** The same 10 MiB over a plain RTCDataChannel between the same two pages (raw-channel.ts). */
  rawChannelMs: number[];
  /** The block and the plain channel again, the block with libp2p's default 16 KiB messages. */
  bulk16Ms: number[];
  rawChannel16Ms: number[];
  smallMs: number[];
  connections: { remoteAddr: string; limited: boolean }[];
  icePairs: string[];
  baselines: Baselines;
  error?: string;
}

/** Runs bench/webrtc/scenario.ts in a fresh loopback-only network namespace (bounded). */
async function measure(): Promise<Figures> {
  const script = join(import.meta.dirname, 'webrtc', 'scenario.ts');
  const { stdout } = await promisify(execFile)(
    'unshare',
    ['-n', 'sh', '-c', `ip link set lo up && ip route add default dev lo src 127.0.0.1 && exec "${process.execPath}" "${script}"`],
    { timeout: 300_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as Figures;
}

/** The value `q` of the way up `xs` sorted (nearest rank). */
const percentile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(q * xs.length) - 1)] ?? NaN;

export async function run(): Promise<string[]> {
  const canUnshare = process.getuid?.() === 0 && spawnSync('unshare', ['-n', 'true']).status === 0;
  if (!canUnshare) return ['webrtc: SKIPPED, needs root and `unshare -n` (it runs in a loopback-only network namespace)'];
  const f = await measure().catch((e: unknown) => ({ error: String(e).slice(0, 2000) }) as Figures);
  if (f.error) return [`webrtc: FAILED: ${f.error}`];
  return report(f);
}

/** The printed lines of one run's figures. */
export function report(f: Figures): string[] {
  const base = f.baselines;
  const big = 10 * 1024 * 1024;
  const [first, ...fresh] = f.dials;
  const setup = fresh.filter((d) => !d.error).map((d) => d.ms);
  // A failed dial with the last libp2p step it reached and how both ends' connections ended.
  const failed = f.dials.filter((d) => d.error).map((d) => `${d.error?.slice(0, 80)} after ${d.steps?.split(' ').at(-1)} (dialler ${d.pcs?.[0]}; answerer ${d.pcs?.[1]})`);
  const [w, n, r, c] = [median(f.bulkMs), median(base.nodeBulkMs), median(base.rawBulkMs), median(f.rawChannelMs)];
  const [w16, c16] = [median(f.bulk16Ms), median(f.rawChannel16Ms)];
  const [ws, ns, rs] = [median(f.smallMs), median(base.nodeSmallMs), median(base.rawSmallMs)];
  const [s, t] = [median(setup), median(base.tcpDialMs)];
  const mbps = (ms: number): string => `${((big * 8) / 1e6 / (ms / 1000)).toFixed(0).padStart(5)} Mbit/s`;
  const ms = (x: number, digits = 1): string => `${x.toFixed(digits).padStart(7)} ms`;
  const direct = f.connections.find((c) => c.remoteAddr.includes('/webrtc') && !c.limited);
  return [
    "WebRTC browser to browser (2 headless Chromium, loopback-only namespace, signalling through the LAN node's relay), medians",
    `10 MiB  WebRTC block ${ms(w)} ${mbps(w)}   node block/TCP ${ms(n)} ${mbps(n)}   raw TCP ${ms(r)} ${mbps(r)}`,
    `        WebRTC throughput ${(n / w).toFixed(2)}x node block/TCP, ${(r / w).toFixed(3)}x raw TCP (${BULK_RUNS} runs after 1 warm-up)`,
    `        plain RTCDataChannel, same pages, no libp2p ${ms(c)} ${mbps(c)}: WebRTC block ${(c / w).toFixed(2)}x its throughput (the browsers' own ceiling)`,
    `        with libp2p's default 16 KiB messages (not 64 KiB) ${ms(w16)} ${mbps(w16)}: ${(c16 / w16).toFixed(2)}x the plain channel's ${mbps(c16).trim()} of those runs; 64 KiB gives ${(w16 / w).toFixed(2)}x its throughput`,
    `100 kB  WebRTC block ${ms(ws, 2)}   node block/TCP ${ms(ns, 2)}   raw TCP ${ms(rs, 2)} (new connection)`,
    `        WebRTC time ${(ws / ns).toFixed(1)}x node block/TCP, ${(ws / rs).toFixed(0)}x raw TCP (${SMALL_RUNS} runs, warm connection, hash checked)`,
    `setup   WebRTC dial() to connected ${ms(s)}, p95 ${ms(percentile(setup, 0.95)).trim()} (${setup.length} fresh dials; the first of all ${first?.error ? 'failed' : ms(first?.ms ?? NaN).trim()})   libp2p TCP dial ${ms(t)}   WebRTC/TCP ${(s / t).toFixed(0)}x`,
    `        ${failed.length} of ${f.dials.length} WebRTC dials failed${failed.map((e) => `; ${e}`).join('')}`,
    `path    ${direct ? 'direct, not limited' : 'NO direct connection'}: ${direct?.remoteAddr.replace(/\/p2p\/\w+/g, '/p2p/…') ?? JSON.stringify(f.connections)}; ICE ${f.icePairs.join(', ') || 'pair unknown'}`,
  ];
}
