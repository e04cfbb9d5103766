// One office, one configuration, the product's real code (issue 12, item 3b): a LAN node
// (node/lan-node.ts, with a group key) and N browsers (member.ts) on loopback, living the
// trace's day compressed into real time (schedule.ts). Counts the WAN bytes by cause
// (accounting.ts), the LAN bytes (the stores' stats), and estimates page loads (load-model.ts).
//
// Browsers are not introduced to each other (the LAN node's /peercache/peers/1.0.0 is turned
// off), so no WebRTC connections form: every block comes through the LAN node, as in an office
// where WebRTC cannot form a direct path. Why: in one Node process 50 browsers meeting by WebRTC
// took 200 s of CPU to start (node-datachannel), against 2 s without. With a group key the node
// holds every block its members learned, so direct links would change where LAN bytes flow,
// not how many WAN bytes there are.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sriEntryToKey } from '../../src/core/integrity/index.ts';
import { startLanNode } from '../../src/node/lan-node.ts';
import { loadNodeHashList } from '../../src/node/replication.ts';
import { PEERS_PROTOCOL } from '../../src/p2p/discovery.ts';
import { CAUSES, WanLink, type WanCause } from './accounting.ts';
import { yardsticks } from './baseline.ts';
import { speedUpFakeIndexedDb } from './fast-fake-indexeddb.ts';
import { startMember, type Member, type ViewResult } from './member.ts';
import { playSchedule, schedule } from './schedule.ts';
import { officeTrace, type WebFile } from './trace.ts';

/** The configurations compared (besides no extension). */
export const CONFIGS = {
  /** Default privacy: requirePopular on, minLanPeers 3. */
  default: {},
  /** An office that accepts the risk: requirePopular off. */
  open: { requirePopular: false },
} as const;
export type ConfigName = keyof typeof CONFIGS;

export interface RunOptions {
  readonly browsers: number;
  readonly config: ConfigName;
  readonly seed: number;
  /** Human time between page views is divided by this. */
  readonly compression: number;
  /** Colleagues' first views of the same site or page are at least this far apart, real ms. */
  readonly spacingMs: number;
  /** One browser's views are at least this far apart, real ms. */
  readonly browserGapMs: number;
  /** After the last view, time for learning and updates still under way, ms. */
  readonly drainMs: number;
}

export interface RunResult {
  readonly browsers: number;
  readonly chromium: number;
  readonly firefox: number;
  readonly config: ConfigName;
  readonly views: number;
  readonly noExtensionBytes: number;
  readonly minimumBytes: number;
  readonly minimumPackagedBytes: number;
  readonly uniqueFiles: number;
  readonly wanBytes: number;
  readonly wanByCause: Record<WanCause, number>;
  /** Firefox requests whose body PeerCache replaced: counted in wanBytes (the request is sent). */
  readonly replacedBytes: number;
  /** Into browsers from the LAN node (peer service stats), and into the node from browsers. */
  readonly lanBytesIn: number;
  readonly nodeBytesIn: number;
  readonly learnBytes: number;
  readonly coalescedLookups: number;
  /** Chromium browsers holding more than the hot set's 32 MiB of `data:` URLs could answer. */
  readonly chromiumOverHotSet: number;
  readonly maxHeldBytes: number;
  /** Load time with PeerCache / without, per view: median of all views, and quartiles of the views that fetch anything without an extension. */
  readonly pageLoad: { readonly medianRatio: number; readonly medianRatioCold: number; readonly p25Cold: number; readonly p75Cold: number; readonly coldViews: number };
  readonly time: {
    readonly compression: number;
    readonly spacingMs: number;
    readonly scheduledMs: number;
    readonly actualMs: number;
    /** Of which the schedule's clock stood still: a due view waited for its browser (schedule.ts). */
    readonly pausedMs: number;
    /** Smallest real gap between two browsers' first views of the same site, ms. */
    readonly minFirstViewGapMs: number;
    readonly startMembersMs: number;
  };
  readonly resources: { readonly cpuSeconds: number; readonly peakRssMB: number };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const quantile = (xs: readonly number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? NaN;

export async function simulate(o: RunOptions): Promise<RunResult> {
  await speedUpFakeIndexedDb();
  const cpu0 = process.cpuUsage();
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 1000);
  const trace = officeTrace({ seed: o.seed, browsers: o.browsers });
  const web = trace.web;
  const plan = schedule(trace, { compression: o.compression, spacingMs: o.spacingMs, browserGapMs: o.browserGapMs });
  const hashList = await loadNodeHashList();
  const isPackaged = (f: WebFile): boolean => {
    const listed = hashList.lookup(f.url);
    return !!listed && !!hashList.packagedFile(listed.key);
  };
  const yard = yardsticks(trace, isPackaged);
  const keys = new Map<string, string>();
  const keyOf = (f: WebFile): string => {
    let k = keys.get(f.url);
    if (k === undefined) keys.set(f.url, (k = hashList.lookup(f.url)?.key ?? sriEntryToKey({ algorithm: 'sha384', digest: new Uint8Array(Buffer.from(f.digest(), 'base64')) })));
    return k;
  };

  const groupKey = '0f'.repeat(32);
  const dataDir = await mkdtemp(join(tmpdir(), 'peercache-office-'));
  const node = await startLanNode({ host: '127.0.0.1', tcpPort: 0, wsPort: 0, httpPort: 0, dataDir, cacheMB: 10_240, groupKey }, { log: () => undefined, mdns: false });
  await node.libp2p.unhandle(PEERS_PROTOCOL);
  const ws = node.addresses().find((a) => a.includes('/ws/'))!;
  const wan = new WanLink();
  const members: Member[] = [];
  const t0Start = performance.now();
  try {
    // Ten at a time, each connected before the day starts.
    for (let i = 0; i < trace.browsers.length; i += 10) {
      const batch = trace.browsers.slice(i, i + 10).map((b) =>
        startMember({ id: b.id, engine: b.engine, lanNode: ws, groupKey, user: CONFIGS[o.config], hashList, web, wan, keyOf, lanHas: (k) => node.cache.has(k) }),
      );
      members.push(...(await Promise.all(batch)));
    }
    const deadline = Date.now() + 90_000;
    while (members.some((m) => m.service.status().lanNodes < 1)) {
      if (Date.now() > deadline) throw new Error(`${members.filter((m) => m.service.status().lanNodes < 1).length} browsers never reached the LAN node`);
      await sleep(200);
    }
    await sleep(1_000); // the node identifies each member and asks it once (replication.ts)
    const startMembersMs = performance.now() - t0Start;

    // The day.
    const results: ViewResult[][] = trace.browsers.map((b) => new Array<ViewResult>(b.views.length));
    const firstViews = new Map<string, number[]>();
    const seen = new Set<string>();
    const { actualMs, pausedMs } = await playSchedule(plan, async (sv, at) => {
      const site = sv.view.page.site;
      if (!seen.has(`${sv.browser} ${site}`)) {
        seen.add(`${sv.browser} ${site}`);
        firstViews.set(site, [...(firstViews.get(site) ?? []), at]);
      }
      results[sv.browser]![sv.index] = await members[sv.browser]!.view(sv.view.page);
    });
    await sleep(o.drainMs);

    const traffic = await Promise.all(members.map((m) => m.traffic()));
    const ratios: number[] = [];
    const coldRatios: number[] = [];
    trace.browsers.forEach((b, i) =>
      b.views.forEach((_, j) => {
        const base = yard.noExtensionPerView[i]![j]!;
        const ratio = results[i]![j]!.loadMs / base.loadMs;
        ratios.push(ratio);
        if (base.bytes > 0) coldRatios.push(ratio);
      }),
    );
    const gaps = [...firstViews.values()].flatMap((ts) => ts.sort((a, b) => a - b).slice(1).map((t, k) => t - ts[k]!));
    const HOT_SET_RAW_BYTES = (32 * 1024 * 1024 * 3) / 4;
    const wanByCause = { ...wan.bytes };
    return {
      browsers: o.browsers,
      chromium: trace.browsers.filter((b) => b.engine === 'chromium').length,
      firefox: trace.browsers.filter((b) => b.engine === 'firefox').length,
      config: o.config,
      views: plan.views.length,
      noExtensionBytes: yard.noExtension,
      minimumBytes: yard.minimum,
      minimumPackagedBytes: yard.minimumPackaged,
      uniqueFiles: yard.uniqueFiles,
      wanBytes: CAUSES.reduce((n, c) => n + wanByCause[c], 0),
      wanByCause,
      replacedBytes: wan.replacedBytes,
      lanBytesIn: traffic.reduce((n, t) => n + t.lanBytesIn, 0),
      nodeBytesIn: node.counters.bytesIn,
      learnBytes: traffic.reduce((n, t) => n + t.learnBytes, 0),
      coalescedLookups: node.lookups.stats().coalesced,
      chromiumOverHotSet: members.filter((m, i) => m.engine === 'chromium' && traffic[i]!.heldBytes > HOT_SET_RAW_BYTES).length,
      maxHeldBytes: Math.max(...traffic.map((t) => t.heldBytes)),
      pageLoad: { medianRatio: median(ratios), medianRatioCold: median(coldRatios), p25Cold: quantile(coldRatios, 0.25), p75Cold: quantile(coldRatios, 0.75), coldViews: coldRatios.length },
      time: {
        compression: o.compression,
        spacingMs: o.spacingMs,
        scheduledMs: plan.durationMs,
        actualMs,
        pausedMs,
        minFirstViewGapMs: gaps.length ? Math.min(...gaps) : NaN,
        startMembersMs,
      },
      resources: { cpuSeconds: (() => { const u = process.cpuUsage(cpu0); return (u.user + u.system) / 1e6; })(), peakRssMB: Math.round(peakRss / 1e6) },
    };
  } finally {
    clearInterval(sampler);
    await Promise.allSettled(members.map((m) => m.stop()));
    await node.stop();
    // A write the stopped node had under way may still land while the directory goes: retry,
    // and never let the clean-up of a temporary directory cost the run its figures.
    await rm(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }).catch((e: unknown) => console.error(`office: leaving ${dataDir}: ${String(e)}`));
  }
}
