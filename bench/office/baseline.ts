// The two yardsticks of the office benchmark, computed from the trace alone:
// - no extension: each browser has its own HTTP cache, partitioned by top-level site as
//   Chromium and Firefox partition it (https://developer.chrome.com/blog/http-cache-partitioning,
//   https://developer.mozilla.org/en-US/docs/Web/Privacy/State_Partitioning), so a file crosses
//   the WAN once per browser and per site that loads it (every file of this web stays fresh all
//   day: max-age is at least a day);
// - the theoretical minimum: each unique cacheable file (unique bytes: the same library at two
//   CDN URLs is one file) crosses the WAN once for the whole LAN.
// Page documents are not cacheable and cost the same everywhere: neither counts them.
import { pageLoadMs } from './load-model.ts';
import type { OfficeTrace, WebFile } from './trace.ts';

/** A browser's HTTP cache: per top-level site, the URLs it holds. */
export class PartitionedHttpCache {
  private readonly partitions = new Map<string, Set<string>>();

  has(site: string, url: string): boolean {
    return this.partitions.get(site)?.has(url) ?? false;
  }

  add(site: string, url: string): void {
    let p = this.partitions.get(site);
    if (!p) this.partitions.set(site, (p = new Set()));
    p.add(url);
  }
}

export interface Yardsticks {
  /** WAN bytes without any extension. */
  readonly noExtension: number;
  /** Per browser, per view (in trace order): WAN bytes and estimated load time without any extension. */
  readonly noExtensionPerView: readonly (readonly { bytes: number; loadMs: number }[])[];
  /** Each unique file once. */
  readonly minimum: number;
  /** Of the minimum, files that ship in the extension (packaged): they never cross the WAN with PeerCache. */
  readonly minimumPackaged: number;
  /** Distinct files (by bytes) the office loaded. */
  readonly uniqueFiles: number;
}

/** The yardsticks of `trace`; `isPackaged` says which files ship in the extension. */
export function yardsticks(trace: OfficeTrace, isPackaged: (file: WebFile) => boolean = () => false): Yardsticks {
  const fileOf = (url: string): WebFile => {
    const f = trace.web.files.get(url);
    if (!f) throw new Error(`the trace loads ${url}, which the web does not have`);
    return f;
  };
  let noExtension = 0;
  const perView: { bytes: number; loadMs: number }[][] = [];
  const unique = new Map<string, { size: number; packaged: boolean }>();
  for (const b of trace.browsers) {
    const cache = new PartitionedHttpCache();
    const views: { bytes: number; loadMs: number }[] = [];
    for (const v of b.views) {
      let bytes = 0;
      const misses = [];
      for (const q of v.page.requests) {
        const f = fileOf(q.url);
        const seen = unique.get(f.digest());
        // Bytes that ship in the extension under any of their URLs.
        unique.set(f.digest(), { size: f.size, packaged: (seen?.packaged ?? false) || isPackaged(f) });
        if (cache.has(v.page.site, q.url)) continue;
        cache.add(v.page.site, q.url);
        bytes += f.size;
        misses.push({ wanBytes: f.size, lanBytes: 0, wanRoundTrip: true });
      }
      views.push({ bytes, loadMs: pageLoadMs(v.page.htmlBytes, misses) });
      noExtension += bytes;
    }
    perView.push(views);
  }
  let minimum = 0;
  let minimumPackaged = 0;
  for (const f of unique.values()) {
    minimum += f.size;
    if (f.packaged) minimumPackaged += f.size;
  }
  return { noExtension, noExtensionPerView: perView, minimum, minimumPackaged, uniqueFiles: unique.size };
}
