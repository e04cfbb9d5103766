import { hostMatches, siteAllowed } from '../../core/sites.ts';
import type { CacheContext } from './context.ts';

/**
 * Whether PeerCache may act (learn or serve) for a page of `host`: switched on, cache on, the
 * site allowed by `blockedSites`/`allowedSites`, and not paused by the user in the popup.
 * Requests without a page (host undefined) are left alone.
 */
export function mayActFor(ctx: CacheContext, host: string | undefined): boolean {
  const s = ctx.settings();
  if (!s.enabled || !s.cacheEnabled || !host) return false;
  return siteAllowed(host, s) && !hostMatches(host, ctx.pausedSites());
}
