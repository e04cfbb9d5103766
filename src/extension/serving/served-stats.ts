import type { CacheContext } from '../cache/context.ts';

/** Written once this long has passed without another served request. */
export const SERVED_FLUSH_MS = 2_000;

/**
 * What the engines answered, counted in memory and written together once the page has loaded:
 * the served requests per site (the popup's stats) and, for bytes answered from memory, the uses
 * LRU eviction goes by. Writing each request as it was answered took an IndexedDB transaction
 * per request, and opening the cache for the first one, while the page was still loading
 * (bench pageLoad). Whoever reads the stats calls `flush()` first.
 */
export interface ServedStats {
  /** A request of a page of `host` was answered with `bytes` bytes. */
  served(host: string, bytes: number): void;
  /** Bytes of `mh` were used without reading them from the store. */
  used(mh: string): void;
  flush(): Promise<void>;
}

export function createServedStats(init: {
  cache(): Promise<CacheContext>;
  log(line: string): void;
  flushMs?: number;
}): ServedStats {
  const perHost = new Map<string, { servedRequests: number; bytesSaved: number }>();
  const uses = new Map<string, number>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const later = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => void flush(), init.flushMs ?? SERVED_FLUSH_MS);
  };
  const flush = async (): Promise<void> => {
    clearTimeout(timer);
    const hosts = [...perHost];
    const blobs = [...uses];
    perHost.clear();
    uses.clear();
    if (hosts.length === 0 && blobs.length === 0) return;
    try {
      const ctx = await init.cache();
      for (const [host, delta] of hosts) await ctx.store.stats.add(host, delta);
      for (const [mh, n] of blobs) await ctx.store.blobs.touch(mh, n);
    } catch (e) {
      init.log(`stats not written: ${String(e)}`);
    }
  };
  return {
    served(host, bytes) {
      const c = perHost.get(host) ?? { servedRequests: 0, bytesSaved: 0 };
      c.servedRequests += 1;
      c.bytesSaved += bytes;
      perHost.set(host, c);
      later();
    },
    used(mh) {
      uses.set(mh, (uses.get(mh) ?? 0) + 1);
      later();
    },
    flush,
  };
}
