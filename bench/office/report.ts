// The office benchmark's printed lines: per office size and configuration, WAN bytes against no
// extension and the theoretical minimum, the share of bytes that came from LAN peers, the page
// load ratio, and where the WAN bytes above the minimum come from.
import { CAUSES, type WanCause } from './accounting.ts';
import type { ConfigName, RunResult } from './simulation.ts';

export const CONFIG_LABELS: Record<ConfigName, string> = { default: 'default privacy', open: 'requirePopular off' };

const CAUSE_LABELS: Record<WanCause, string> = {
  first: 'first download into the office',
  learning: "Chromium's learning download",
  'csp-unknown': "site's CSP not yet seen by this browser nor vouched for by minLanPeers colleagues",
  'csp-refuses': "site's CSP refuses data:",
  'cors-request': 'Firefox CORS request (body replaced)',
  'no-rule': 'Chromium cannot answer the URL',
  'privacy-gate': 'privacy gate',
  'not-here-yet': 'in the office, not yet in this browser',
  'not-in-lan': 'nobody in the office had it yet',
  'rule-delay': "Chromium's rules not planned yet",
  other: 'other',
};

const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;
const x = (n: number): string => `${n.toFixed(2)}x`;
const pct = (n: number): string => `${Math.round(n * 100)}%`;

/** The headline line of one run, as issue 12 asks for it. */
export function headline(r: RunResult): string {
  const lanShare = r.lanBytesIn / (r.lanBytesIn + r.wanBytes);
  return (
    `office N=${r.browsers} (${CONFIG_LABELS[r.config]}): WAN ${mb(r.wanBytes)} = ${x(r.wanBytes / r.noExtensionBytes)} no-extension, ` +
    `${x(r.wanBytes / r.minimumBytes)} minimum; ${pct(lanShare)} of fetched bytes from LAN peers; page load ${x(r.pageLoad.medianRatioCold)}`
  );
}

/** The detail lines of one run: causes, LAN, timing, cost. */
export function details(r: RunResult): string[] {
  const causes = CAUSES.filter((c) => r.wanByCause[c] > 0)
    .map((c) => `${CAUSE_LABELS[c]} ${mb(r.wanByCause[c])}`)
    .join('; ');
  const t = r.time;
  return [
    `  WAN by cause: ${causes}`,
    `  of which Firefox requests sent only to have their body replaced by PeerCache: ${mb(r.replacedBytes)} (counted whole: Firefox closes such a response when it starts)`,
    `  LAN: ${mb(r.lanBytesIn)} into ${r.browsers} browsers (${mb(r.lanBytesIn / r.browsers)} each), ${mb(r.nodeBytesIn)} into the LAN node; ${r.coalescedLookups} lookups answered by a colleague's download; ` +
      `${r.chromiumOverHotSet} of ${r.chromium} Chromium browsers hold more than the hot set's 32 MiB of data: URLs (not modelled)`,
    `  page load, views that fetch anything without an extension (${r.pageLoad.coldViews}): median ${x(r.pageLoad.medianRatioCold)}, quartiles ${x(r.pageLoad.p25Cold)}-${x(r.pageLoad.p75Cold)}; all ${r.views} views: median ${x(r.pageLoad.medianRatio)}`,
    `  time: ${(t.actualMs / 1000).toFixed(0)} s for the day (scheduled ${(t.scheduledMs / 1000).toFixed(0)} s; the clock stood ${(t.pausedMs / 1000).toFixed(0)} s while views waited for busy browsers); ` +
      `colleagues' first views of a site >= ${(t.minFirstViewGapMs / 1000).toFixed(1)} s apart; ${r.resources.cpuSeconds.toFixed(0)} s CPU, ${r.resources.peakRssMB} MB peak`,
  ];
}

/** The lines that say what a run of the benchmark did. */
export function preamble(o: { compression: number; spacingMs: number; seed: number; sites: number; files: number; webBytes: number }): string[] {
  return [
    `office: one LAN, one LAN node, N browsers (60% Chromium, 40% Firefox) on the product's code in Node (fake IndexedDB), seed ${o.seed}; ` +
      `a web of ${o.sites} sites, ${o.files} files, ${mb(o.webBytes)} (real library files, generated bundles, images, fonts, widgets)`,
    `  a 9-hour day compressed ${o.compression}x between page views (views, network and the product's timers run in real time); ` +
      `colleagues' first views of the same site or page at least ${(o.spacingMs / 1000).toFixed(1)} s apart in real time`,
    '  no extension: per-browser HTTP caches partitioned by top-level site; minimum: each unique file once per LAN; documents not counted',
    '  page load model: WAN 50 Mbit/s, 40 ms RTT; LAN 500 Mbit/s, 1 ms RTT; cache hits ~0; ratio = with PeerCache / without, per view',
  ];
}
