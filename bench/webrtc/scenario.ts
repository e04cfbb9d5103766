// The browser half of webrtc.bench.ts. Runs INSIDE a loopback-only network namespace (the bench
// starts it), so ICE can only pair 127.0.0.1 with 127.0.0.1: a LAN node as relay, the test
// origin serving page.ts bundled, and two headless Chromiums (no extension). Page B dials page A
// by WebRTC through the relay and fetches blocks from it; then the Node baselines (baselines.ts)
// are measured here too. Prints one JSON line.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import webpack from 'webpack';
import { launchChromium, type ChromiumSession } from '../../scripts/browsers/chromium.ts';
import { startLanNode, type LanNode } from '../../src/node/lan-node.ts';
import { startOriginServer, type OriginServer } from '../../test/support/origin-server.ts';
import { TEST_HOSTS } from '../../test/support/tls-cert.ts';
import { bytesOf, keyOf } from '../../test/integration/p2p/block/nodes.ts';
import { baselines } from './baselines.ts';
import type { PageBench } from './page.ts';
import { BULK_RUNS, SMALL_RUNS, WEBRTC_DIALS } from './runs.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const HOST = 'site-a.test';

/** Rejects when `p` takes longer than `ms`: nothing here may wait unbounded. */
function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** page.ts for the browser, built the way webpack.config.js builds the extension (ts-loader). */
async function bundle(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'peercache-bench-webrtc-'));
  const compiler = webpack({
    mode: 'production',
    target: 'web',
    context: ROOT,
    entry: join(ROOT, 'bench/webrtc/page.ts'),
    output: { path: out, filename: 'page.js' },
    devtool: false,
    optimization: { minimize: false },
    resolve: { extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } },
    module: {
      rules: [{
        test: /\.ts$/,
        exclude: /node_modules/,
        use: { loader: 'ts-loader', options: { transpileOnly: true, compilerOptions: { noEmit: false, allowImportingTsExtensions: false, rewriteRelativeImportExtensions: true } } },
      }],
    },
    performance: { hints: false },
  });
  const stats = await within(180_000, new Promise<webpack.Stats | undefined>((resolve, reject) => compiler.run((e, s) => (e ? reject(e) : resolve(s)))), 'webpack');
  if (!stats || stats.hasErrors()) throw new Error(`bundle failed: ${stats?.toString('errors-only')}`);
  const js = readFileSync(join(out, 'page.js'), 'utf8');
  rmSync(out, { recursive: true, force: true });
  return js;
}

/** Calls `window.bench[name](...args)` in `page`, bounded. */
function call<K extends keyof PageBench>(page: Page, name: K, ...args: Parameters<PageBench[K]>): Promise<Awaited<ReturnType<PageBench[K]>>> {
  const run = page.evaluate(([n, a]) => (window as unknown as { bench: Record<string, (...x: unknown[]) => unknown> }).bench[n]!(...a), [name, args] as const);
  return within(120_000, run as Promise<never>, `page ${name}()`);
}

const big = bytesOf(10 * 1024 * 1024, 7); // the same bytes as block.bench.ts
const small = bytesOf(100_000, 3);
const result: Record<string, unknown> = {};
const sessions: ChromiumSession[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'peercache-bench-webrtc-node-'));
let origin: OriginServer | undefined;
let node: LanNode | undefined;
try {
  origin = await startOriginServer();
  node = await startLanNode(
    { host: '127.0.0.1', tcpPort: 0, wsPort: 0, httpPort: 0, dataDir, cacheMB: 16, groupKey: '' },
    // Relay only: nothing to replicate, no mDNS on loopback.
    { log: () => {}, mdns: false, pullEveryMs: 3_600_000 },
  );
  const bin = { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' };
  origin.route(HOST, '/bench/page.js', { headers: { 'content-type': 'text/javascript' }, body: await bundle() });
  origin.route(HOST, '/bench/', { headers: { 'content-type': 'text/html' }, body: '<!doctype html><title>webrtc bench</title><script src="/bench/page.js"></script>' });
  origin.route(HOST, '/bench/big.bin', { headers: bin, body: big });
  origin.route(HOST, '/bench/small.bin', { headers: bin, body: small });
  const [bigKey, smallKey] = [await keyOf(big), await keyOf(small)];
  const relay = node.addresses().find((a) => a.includes('/ws/')) as string;

  const open = async (): Promise<Page> => {
    const s = await within(30_000, launchChromium({
      extension: false,
      loopbackHosts: TEST_HOSTS,
      // Chromium skips the loopback interface for ICE unless told (platform-notes.md).
      extraArgs: ['--allow-loopback-in-peer-connection'],
    }), 'launch Chromium');
    sessions.push(s);
    // Without camera/microphone permission a page only offers the default route's address,
    // hidden behind an mDNS name, and Chromium drops that when it is 127.0.0.1: no candidate at
    // all. The permission (this context only) makes it offer 127.0.0.1 itself, with no
    // machine-wide policy file and no --disable-features list that would replace Playwright's.
    await s.context.grantPermissions(['camera', 'microphone'], { origin: `https://${HOST}` });
    const page = await s.context.newPage();
    // Keep every RTCPeerConnection libp2p makes, so the page can tell which ICE pair carried the
    // blocks (page.ts icePairs).
    await page.addInitScript(() => {
      const Native = window.RTCPeerConnection;
      const all: RTCPeerConnection[] = [];
      (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections = all;
      window.RTCPeerConnection = class extends Native {
        constructor(config?: RTCConfiguration) {
          super(config);
          all.push(this);
          // What this connection went through, with ms since it was made (page.ts pcStates).
          const t = performance.now();
          const seen: string[] = [];
          (this as unknown as { seen: string[] }).seen = seen;
          const note = (what: string): void => void seen.push(`${what}@${Math.round(performance.now() - t)}`);
          this.addEventListener('connectionstatechange', () => note(`pc:${this.connectionState}`));
          this.addEventListener('iceconnectionstatechange', () => note(`ice:${this.iceConnectionState}`));
          this.addEventListener('icegatheringstatechange', () => note(`gather:${this.iceGatheringState}`));
          this.addEventListener('icecandidate', (e) => note(`cand:${e.candidate?.candidate.split(' ').slice(4, 8).join(' ') ?? 'end'}`));
          this.addEventListener('datachannel', (e) => note(`dc-in:${e.channel.id}:${e.channel.label}`));
        }
        override createDataChannel(label: string, init?: RTCDataChannelInit): RTCDataChannel {
          const channel = super.createDataChannel(label, init);
          const seen = (this as unknown as { seen: string[] }).seen;
          if (label === 'init') for (const e of ['open', 'closing', 'close']) channel.addEventListener(e, () => seen.push(`init:${e}`));
          return channel;
        }
      };
    });
    // BENCH_DEBUG=libp2p:webrtc* shows libp2p's debug log of both pages on stderr.
    if (process.env.BENCH_DEBUG) {
      await page.addInitScript((d) => localStorage.setItem('debug', d), process.env.BENCH_DEBUG);
      const label = `[page ${'ab'[sessions.length - 1]}]`;
      page.on('console', (m) => process.stderr.write(`${label} ${m.text()}\n`));
    }
    await page.goto(`https://${HOST}/bench/`, { timeout: 15_000 });
    await page.waitForFunction(() => 'bench' in window, undefined, { timeout: 15_000 });
    return page;
  };
  const [a, b] = [await open(), await open()];
  const aId = await call(a, 'start', relay);
  const bId = await call(b, 'start', relay);
  await call(a, 'serve', [{ key: bigKey, url: '/bench/big.bin' }, { key: smallKey, url: '/bench/small.bin' }]);
  const aAddr = `${relay}/p2p-circuit/webrtc/p2p/${aId}`;

  // Setup: the first dial, then fresh ones. Both sides hang up in between: A does not notice B's
  // hang-up by itself for many seconds, and redials onto such leftovers sometimes time out.
  const dial = async (i: number): Promise<Awaited<ReturnType<PageBench['dial']>> & { pcs?: string[] }> => {
    if (process.env.BENCH_DEBUG) process.stderr.write(`--- dial ${i}\n`);
    const d = await call(b, 'dial', aAddr);
    // A failed dial: what the dialler's and the answerer's newest RTCPeerConnections went through.
    return d.error ? { ...d, pcs: [...(await call(b, 'pcStates', 1)), ...(await call(a, 'pcStates', 1))] } : d;
  };
  const dials = [await dial(0)];
  for (let i = 1; i < WEBRTC_DIALS; i++) {
    await call(b, 'hangUp', aId);
    await call(a, 'hangUp', bId);
    dials.push(await dial(i));
  }
  result.dials = dials;
  // The transfers need a connection: the last dial's, or one more try.
  if (dials.at(-1)?.error) {
    const again = await call(b, 'dial', aAddr);
    if (again.error) throw new Error(`no WebRTC connection: ${again.error}`);
  }

  await call(b, 'fetchTimes', aId, bigKey, big.length, 1); // warm-up
  // The plain data channel's messages are the largest Chromium takes (its SDP says 256 KiB), the
  // fewest the browser must handle; samples alternate with the block's so both see the same load.
  await call(b, 'rawAccept', await call(a, 'rawAnswer', await call(b, 'rawOffer')));
  const [bulkMs, rawChannelMs]: [number[], number[]] = [[], []];
  for (let i = 0; i < BULK_RUNS; i++) {
    bulkMs.push(...(await call(b, 'fetchTimes', aId, bigKey, big.length, 1)));
    rawChannelMs.push(...(await call(b, 'rawFetchTimes', big.length, 256 * 1024, 1024 * 1024, 1)));
  }
  Object.assign(result, { bulkMs, rawChannelMs });
  result.smallMs = await call(b, 'fetchTimes', aId, smallKey, small.length, SMALL_RUNS);
  result.connections = await call(b, 'connections', aId);
  result.icePairs = await call(b, 'icePairs');

  // The same, with libp2p's default 16 KiB WebRTC messages: new nodes on the same pages, samples
  // again interleaved with the plain channel's, so each is compared with its own period's ceiling.
  const a16 = await call(a, 'start', relay, 16 * 1024);
  await call(b, 'start', relay, 16 * 1024);
  await call(a, 'serve', [{ key: bigKey, url: '/bench/big.bin' }]);
  const again = await call(b, 'dial', `${relay}/p2p-circuit/webrtc/p2p/${a16}`);
  if (again.error) throw new Error(`no WebRTC connection with 16 KiB messages: ${again.error}`);
  await call(b, 'fetchTimes', a16, bigKey, big.length, 1);
  const [bulk16Ms, rawChannel16Ms]: [number[], number[]] = [[], []];
  for (let i = 0; i < BULK_RUNS; i++) {
    bulk16Ms.push(...(await call(b, 'fetchTimes', a16, bigKey, big.length, 1)));
    rawChannel16Ms.push(...(await call(b, 'rawFetchTimes', big.length, 256 * 1024, 1024 * 1024, 1)));
  }
  Object.assign(result, { bulk16Ms, rawChannel16Ms });
} catch (e) {
  result.error = e instanceof Error ? (e.stack ?? e.message) : String(e);
} finally {
  for (const s of sessions) {
    await within(10_000, s.close(), 'close Chromium').catch(() => undefined);
    rmSync(s.profileDir, { recursive: true, force: true });
  }
  if (node) await within(10_000, node.stop(), 'stop LAN node').catch(() => undefined);
  if (origin) await within(10_000, origin.close(), 'close origin').catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
}
if (!result.error) {
  try {
    result.baselines = await within(120_000, baselines(big, small), 'baselines');
  } catch (e) {
    result.error = `baselines: ${String(e)}`;
  }
}
console.log(JSON.stringify(result));
process.exit(0);
