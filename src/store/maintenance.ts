/**
 * Keeps the tables a page can grow bounded (issue 10, item 2): bindings past their freshness
 * (and grace) and over the total cap, stats rows past their retention. Run after writes, at
 * most every {@link MAINTAIN_EVERY_MS} or every {@link MAINTAIN_EVERY_WRITES} writes: rows
 * appear only through writes, so a store nobody writes to needs no timer, and a background
 * woken for a few seconds still trims on its first write.
 */
import type { BindingRepository } from './bindings.ts';
import type { StatsRepository } from './stats.ts';

export const MAINTAIN_EVERY_MS = 10 * 60_000;
/** A page making thousands of requests a minute meets the total cap within this many rows. */
export const MAINTAIN_EVERY_WRITES = 1_000;

/** What one run removed. */
export interface MaintenanceOutcome {
  bindingsExpired: number;
  bindingsOverCap: number;
  statsExpired: number;
}

/** The repositories with the writes that count towards a run wrapped, and a run on demand. */
export function withMaintenance(
  repos: { bindings: BindingRepository; stats: StatsRepository },
  now: () => number,
): { bindings: BindingRepository; stats: StatsRepository; maintain(): Promise<MaintenanceOutcome> } {
  let lastRun = -Infinity;
  let writes = 0;
  let running: Promise<MaintenanceOutcome> | undefined;

  const maintain = (): Promise<MaintenanceOutcome> => {
    running ??= (async () => {
      try {
        const { expired, overCap } = await repos.bindings.trim(now());
        return { bindingsExpired: expired, bindingsOverCap: overCap, statsExpired: await repos.stats.expire() };
      } finally {
        lastRun = now();
        writes = 0;
        running = undefined;
      }
    })();
    return running;
  };

  const afterWrite = async (count: number): Promise<void> => {
    writes += count;
    if (writes < MAINTAIN_EVERY_WRITES && now() - lastRun < MAINTAIN_EVERY_MS) return;
    // The write itself succeeded; a failed trim is tried again after the next one.
    await maintain().catch(() => undefined);
  };

  return {
    bindings: {
      ...repos.bindings,
      put: async (b) => {
        await repos.bindings.put(b);
        await afterWrite(1);
      },
      putMany: async (bs) => {
        await repos.bindings.putMany(bs);
        await afterWrite(bs.length);
      },
    },
    stats: {
      ...repos.stats,
      add: async (site, delta) => {
        await repos.stats.add(site, delta);
        await afterWrite(1);
      },
    },
    maintain,
  };
}
