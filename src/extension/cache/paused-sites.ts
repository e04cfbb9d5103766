import { normalizeSitePattern } from '../../core/sites.ts';

/**
 * The sites a user paused from the popup: a plain list kept beside the settings (it is the
 * user's per-site switch, not an admin-facing setting), applied like `blockedSites`.
 */
export interface PausedSites {
  list(): readonly string[];
  set(host: string, paused: boolean): Promise<readonly string[]>;
}

export function createPausedSites(initial: unknown, persist: (list: string[]) => Promise<void>): PausedSites {
  let list = Array.isArray(initial) ? initial.filter((h): h is string => typeof h === 'string') : [];
  return {
    list: () => list,
    async set(host, paused) {
      const site = normalizeSitePattern(host);
      if (typeof site !== 'string') return list;
      list = paused ? [...new Set([...list, site])] : list.filter((h) => h !== site);
      await persist(list);
      return list;
    },
  };
}
