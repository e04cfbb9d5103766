/**
 * How much hashing pages may make the background do by declaring `integrity` attributes
 * (issue 10, item 2): each checked file is read from the store and hashed. Counted per page's
 * host and in all, in windows of a minute. A page past its share has its further attributes
 * ignored: they could only cast doubt on a binding, so nothing the page loads changes.
 */

/** Stored files a host's pages may have checked per minute: a page declares a few dozen. */
export const CHECKS_PER_HOST_PER_MINUTE = 200;
/** Across all hosts: a page spreading its reports over many subdomains (iframes) meets this. */
export const CHECKS_PER_MINUTE = 1_000;
const WINDOW_MS = 60_000;
/** Hosts remembered in a window: the map cannot grow past it however many hosts report. */
const MAX_HOSTS = 1_000;

export interface IntegrityBudget {
  /** Takes one check for `host`; false when its share (or everyone's) is spent this minute. */
  take(host: string): boolean;
}

export function createIntegrityBudget(now: () => number, limits = { perHost: CHECKS_PER_HOST_PER_MINUTE, total: CHECKS_PER_MINUTE }): IntegrityBudget {
  let windowStart = -Infinity;
  let total = 0;
  const perHost = new Map<string, number>();
  return {
    take(host) {
      if (now() - windowStart >= WINDOW_MS) {
        windowStart = now();
        total = 0;
        perHost.clear();
      }
      const used = perHost.get(host) ?? 0;
      if (used >= limits.perHost || total >= limits.total || (used === 0 && perHost.size >= MAX_HOSTS)) return false;
      perHost.set(host, used + 1);
      total++;
      return true;
    },
  };
}
