// The LAN node under load (issue 10, item 4): `peercache-node` as an admin runs it, in a process
// of its own (so its peak RSS is its own, VmHWM), hosting 50 blocks of 1-4 MiB; 200 simulated
// peers on loopback, each from an address of its own: most honest (a few random blocks at once,
// verified), some hostile (bench/node-load/hostile.ts: slowloris, minted peer ids, garbage,
// greedy). Prints the node's peak memory, honest latency under load against the same fetches
// with the node idle (measured first, same run), the node's refusals by limit (/metrics), what
// the attackers got, and whether one honest peer fetching all along was served all along.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { multiaddr } from '@multiformats/multiaddr';
import { sriEntryToKey } from '../src/core/integrity/index.ts';
import { openHostedCache } from '../src/node/hosted-cache.ts';
import { fetchBlock } from '../src/p2p/block/index.ts';
import type { FetchRecord, HonestTask } from './node-load/honest.ts';
import type { HostileTask } from './node-load/hostile.ts';
import { percentile, seededRandom, startBenchPeer, type HostedBlock } from './node-load/peer.ts';

const MiB = 1024 * 1024;
const BLOCKS = 50;
const HONEST_PEERS = 180;
// Long enough that 180 peers' fetches stay within what the node can serve on this shared
// machine (about a third of a core, 10-20 MB/s): more would measure a queue, not the attacks.
const WINDOW_MS = 150_000;
/**
 * The daemon tunes its own memory (bin/peercache-node.js starts itself again with it): V8's young
 * generation capped at 4 MB a half (by default it grows to tens of MB under this allocation
 * rate); a mark-compact each time the old generation grew by 20 % (V8's own factor reached about
 * 2 here: block pieces and their ciphertexts that lived through two scavenges, waiting on a slow
 * reader, are freed only by a mark-compact); and glibc serving allocations of 32 KiB and more
 * (block pieces, noise frames) by mmap, so memory freed goes back to the system instead of
 * staying as holes in the heap. NODE_LOAD_TUNING=off runs it with Node's and glibc's defaults
 * (PEERCACHE_NODE_TUNING=off).
 */
const TUNED = process.env.NODE_LOAD_TUNING !== 'off';
/** NODE_LOAD_FLAGS adds node flags for the node process alone (space-separated; they come after the daemon's own, so they win), to compare runs. */
const NODE_FLAGS = (process.env.NODE_LOAD_FLAGS ?? '').split(' ').filter(Boolean);
const NODE_ENV = TUNED ? {} : { PEERCACHE_NODE_TUNING: 'off' };
/** The node is stopped past this, whatever the code under test does with memory. */
const RSS_SAFETY_BYTES = 3 * 1024 * MiB;

/** 50 random blocks of 1 to 4 MiB written into `dir` through the node's own cache. */
async function hostBlocks(dir: string): Promise<HostedBlock[]> {
  const cache = await openHostedCache({ dir, maxBytes: 1024 * MiB });
  const random = seededRandom(10);
  const blocks: HostedBlock[] = [];
  for (let i = 0; i < BLOCKS; i++) {
    const bytes = randomBytes(MiB + Math.floor(random() * 3 * MiB));
    const key = sriEntryToKey({ algorithm: 'sha256', digest: new Uint8Array(createHash('sha256').update(bytes).digest()) });
    await cache.put(key, bytes);
    blocks.push({ key, size: bytes.length });
  }
  await cache.close();
  return blocks;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** `peercache-node` on 127.0.0.1; resolves with its TCP address and status port once it listens. */
async function startNodeProcess(dataDir: string): Promise<{ child: ChildProcess; address: string; httpPort: number }> {
  const [tcp, ws, http] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(process.execPath, [
    ...NODE_FLAGS,
    join(import.meta.dirname, '..', 'bin', 'peercache-node.js'),
    '--host', '127.0.0.1', '--tcp-port', String(tcp), '--ws-port', String(ws), '--http-port', String(http),
    '--data-dir', dataDir, '--cache-mb', '1024',
  ], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...NODE_ENV } });
  let address: string | undefined;
  for await (const line of createInterface({ input: child.stdout! })) {
    const m = /^listening (\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/\S+)$/.exec(line);
    if (m) address = m[1];
    if (line.startsWith('status http')) break;
  }
  if (!address) throw new Error('the node did not say where it listens');
  child.stdout!.resume();
  return { child, address, httpPort: http };
}

/**
 * kB of a /proc/<pid>/status field of the node's process alone (the peers run in the bench
 * process and two workers): VmRSS now, VmHWM its peak, RssFile the part mapped from files (the
 * node binary and libraries, shared with any other node process), RssAnon the node's own.
 */
async function procKb(pid: number, field: 'VmRSS' | 'VmHWM' | 'RssFile' | 'RssAnon'): Promise<number> {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(await readFile(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? NaN);
}

/** CPU seconds `pid` has used (utime + stime, /proc/<pid>/stat, 100 ticks a second). */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).replace(/^.*\) /s, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function worker<T>(file: string, task: object, timeoutMs: number): Promise<T> {
  const child = fork(new URL(file, import.meta.url), [], { execPath: process.execPath, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  child.send(task);
  return Promise.race([
    once(child, 'message').then(([m]) => m as T),
    new Promise<never>((_, reject) => setTimeout(() => (child.kill(), reject(new Error(`${file} did not finish`))), timeoutMs)),
  ]);
}

/** Sequential fetches of random blocks by one honest peer until `until`; each with when it ended. */
async function observe(address: string, blocks: readonly HostedBlock[], seed: number, until: () => boolean): Promise<(FetchRecord & { at: number })[]> {
  const peer = await startBenchPeer('127.0.9.1');
  const random = seededRandom(seed);
  const out: (FetchRecord & { at: number })[] = [];
  try {
    while (!until()) {
      const block = blocks[Math.floor(random() * blocks.length)]!;
      const t = performance.now();
      const outcome = await fetchBlock(peer, multiaddr(address), block.key, { maxBytes: 16 * MiB, timeoutMs: 30_000 }).then((r) => r.status, (e: Error) => e.name);
      out.push({ ms: performance.now() - t, outcome, at: Date.now() });
    }
  } finally {
    await peer.stop();
  }
  return out;
}

/** The one child process of `pid` (the tuned daemon the command started), once it exists. */
async function daemonOf(pid: number): Promise<number> {
  const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim().split(' ').filter(Boolean).map(Number);
  if (children.length !== 1) throw new Error(`expected the daemon as the one child of ${pid}, found ${children.length}`);
  return children[0]!;
}

const ms = (x: number): string => `${x.toFixed(0)} ms`;
const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;

export async function run(): Promise<string[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'peercache-node-load-'));
  const blocks = await hostBlocks(join(dataDir, 'blocks'));
  const { child, address, httpPort } = await startNodeProcess(dataDir);
  // Tuned, the command starts the daemon again as its child: that process is the node measured.
  const pid = TUNED ? await daemonOf(child.pid!) : child.pid!;
  let maxSampled = 0;
  let fileAtMax = NaN;
  let killed = false;
  const sampler = setInterval(() => void Promise.all([procKb(pid, 'VmRSS'), procKb(pid, 'RssFile')]).then(([kb, fileKb]) => {
    if (kb > maxSampled) [maxSampled, fileAtMax] = [kb, fileKb];
    if (kb * 1024 <= RSS_SAFETY_BYTES || killed) return;
    killed = true;
    // The measured process itself (the tuned daemon is the command's child); the command then ends with it.
    process.kill(pid, 'SIGKILL');
  }, () => undefined), 200);
  try {
    const [startedKb, startedFileKb] = [await procKb(pid, 'VmRSS'), await procKb(pid, 'RssFile')];
    // Idle: the same kind of fetches, one at a time, nothing else asking.
    let idleCount = 0;
    const idle = await observe(address, blocks, 1, () => idleCount++ >= 30);
    const idleKb = await procKb(pid, 'VmHWM');

    const cpuBefore = await cpuSeconds(pid);
    const end = Date.now() + WINDOW_MS;
    const base = { address, blocks, windowMs: WINDOW_MS };
    const hostileTask = { seed: 3, slowlorisPeers: 4, streamsPerPeer: 12, mintedMax: 40, garbageMax: 150 } satisfies Omit<HostileTask, keyof typeof base>;
    const [honest, hostile, observed] = await Promise.all([
      worker<{ records: FetchRecord[]; cpuMs: number }>('./node-load/honest.ts', { ...base, seed: 2, peers: HONEST_PEERS, fetchesEach: 2 } satisfies HonestTask, WINDOW_MS + 90_000),
      worker<{ counts: Record<string, number>; cpuMs: number }>('./node-load/hostile.ts', { ...base, ...hostileTask }, WINDOW_MS + 90_000),
      observe(address, blocks, 4, () => Date.now() >= end),
    ]);
    const metrics = await fetch(`http://127.0.0.1:${httpPort}/metrics`).then((r) => r.text(), () => '');
    const peakKb = await procKb(pid, 'VmHWM');
    // Block payload the node sent since it started (the idle fetches too): the work its CPU paid for.
    const bytesOut = Number(/^peercache_bytes_out_total (\d+)$/m.exec(metrics)?.[1] ?? NaN);
    const nodeCpu = (await cpuSeconds(pid)) - cpuBefore;
    const loadSeconds = (Date.now() - end + WINDOW_MS) / 1000;

    const found = (rs: readonly FetchRecord[]): number[] => rs.filter((r) => r.outcome === 'found').map((r) => r.ms);
    const [idleMs, loadMs] = [found(idle), found(honest.records)];
    const outcomes = tally(honest.records.map((r) => r.outcome));
    const slots = Array.from({ length: WINDOW_MS / 10_000 }, (_, i) => observed.filter((r) => r.outcome === 'found' && r.at <= end - WINDOW_MS + (i + 1) * 10_000 && r.at > end - WINDOW_MS + i * 10_000).length);
    const limited = [...metrics.matchAll(/^peercache_(?:limited_total\{limit="([^"]+)"\}|block_requests_total\{status="(refused)"\}) (\d+)$/gm)].map((m) => `${m[1] ?? m[2]} ${m[3]}`);
    return [
      `LAN node under load: peercache-node in its own process, ${BLOCKS} blocks of 1-4 MiB; ${HONEST_PEERS + 1} honest peers (one fetching throughout), ${hostileTask.slowlorisPeers + hostileTask.mintedMax + 2} hostile (slowloris, up to ${hostileTask.mintedMax} minted ids, greedy) and one-shot ids sending garbage, on loopback for ${WINDOW_MS / 1000} s`,
      `node RSS, its process alone (/proc/<pid>/status; ${TUNED ? 'tuned by the daemon itself' : 'Node and glibc defaults'}${process.env.NODE_LOAD_FLAGS ? `, plus ${process.env.NODE_LOAD_FLAGS}` : ''}): ${mb(startedKb)} started (${mb(startedFileKb)} of it mapped from files: node binary, libraries), ${mb(idleKb)} peak when idle, peak under load ${mb(peakKb)} (VmHWM; sampled max ${mb(maxSampled)}, ${mb(fileAtMax)} from files); goal <= 200 MB${killed ? ' - KILLED over 3 GB' : ''}`,
      `honest fetches: ${honest.records.length} (${Object.entries(outcomes).map(([k, v]) => `${k} ${v}`).join(', ')})`,
      `latency, found: idle p50 ${ms(percentile(idleMs, 50))} p99 ${ms(percentile(idleMs, 99))} (${idleMs.length} fetches); under load p50 ${ms(percentile(loadMs, 50))} p99 ${ms(percentile(loadMs, 99))} (${loadMs.length}): ${(percentile(loadMs, 50) / percentile(idleMs, 50)).toFixed(1)}x and ${(percentile(loadMs, 99) / percentile(idleMs, 99)).toFixed(1)}x idle`,
      ...failures(honest.records),
      `one honest peer fetching throughout: ${found(observed).length} of ${observed.length} found, per 10 s [${slots.join(' ')}]: ${slots.every((n) => n > 0) ? 'served all along' : 'NOT served in some 10 s'}`,
      `node refusals: ${limited.length ? limited.join(', ') : 'none reported'}`,
      `CPU over the ${loadSeconds.toFixed(0)} s of load: node ${nodeCpu.toFixed(0)} s (${(nodeCpu / loadSeconds).toFixed(2)} of a core; ${(bytesOut / 1e9).toFixed(1)} GB served, ${(nodeCpu / (bytesOut / 1e9)).toFixed(1)} s a GB, idle fetches included), honest peers ${(honest.cpuMs / 1000).toFixed(0)} s, hostile peers ${(hostile.cpuMs / 1000).toFixed(0)} s; machine load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`,
      `attackers: ${Object.entries(hostile.counts).sort().map(([k, v]) => `${k} ${v}`).join('; ')}`,
    ];
  } finally {
    clearInterval(sampler);
    child.kill('SIGTERM');
    await Promise.race([once(child, 'exit'), new Promise((r) => setTimeout(r, 10_000))]);
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The commonest reasons honest fetches failed, one line each. */
function failures(records: readonly FetchRecord[]): string[] {
  const why = tally(records.filter((r) => r.why !== undefined).map((r) => `${r.outcome}: ${r.why}`));
  return Object.entries(why).sort((a, b) => b[1] - a[1]).slice(0, 4).map(([k, v]) => `  ${v} x ${k}`);
}

function tally(xs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}
