import { contentTypeForPath } from '../../core/hash-list/index.ts';
import type { ResponseAccess } from '../../core/serving/network-refusal.ts';
import { bindingVerdict, type BindingPopularity } from '../../core/serving/privacy-gate.ts';
import type { StoredBlob } from '../../store/index.ts';
import { hostOf, type CacheContext } from './context.ts';
import { mayActFor } from './site-policy.ts';

/**
 * What PeerCache trusts a URL to hold, and what its origin sent with it: everything a serving
 * decision about this URL reads comes from here, from the URL's own binding, never from another
 * URL that serves the same bytes (issue 9, item 3).
 */
export interface UrlBinding extends BindingPopularity, ResponseAccess {
  readonly key: string;
  /** The Content-Type this URL is served with; undefined when unknown (never served then). */
  readonly type: string | undefined;
  /** The validator of the observed response, to check the origin still serves these bytes. */
  readonly etag?: string;
  /** End of freshness; Infinity for listed URLs. */
  readonly freshUntil: number;
  /** True when this is the group's claim, not this browser's own observation nor the list. */
  readonly groupClaim?: boolean;
}

/** An asset the cache may answer a request with, and what serving it must respect. */
export interface Servable extends UrlBinding {
  readonly type: string;
  readonly blob: StoredBlob;
}

/** Which binding says what `url` should hash to, if PeerCache may trust one. */
export async function bindingFor(ctx: CacheContext, url: string): Promise<UrlBinding | undefined> {
  const listed = ctx.hashList.lookup(url);
  // jsDelivr and unpkg answer every file with `Access-Control-Allow-Origin: *`, and its type
  // follows from its path (as the CDNs serve it).
  if (listed) return { key: listed.key, urlListed: true, holders: 0, type: contentTypeForPath(url), corsAnyOrigin: true, freshUntil: Infinity };
  const s = ctx.settings();
  const group = s.trustGroupBindings && s.groupKey !== '';
  const hit = await ctx.store.bindings.lookup(url, ctx.now(), { sources: group ? ['observed', 'group'] : ['observed'] });
  // A stale or must-revalidate binding is not served: the network decides, as without us.
  if (!hit || hit.needsRevalidation) return undefined;
  const b = hit.binding;
  // The group's count for this very URL and hash (an observation of ours counts among them).
  let holders = b.source === 'group' ? (b.holders ?? 0) : 0;
  let sites = b.source === 'group' ? b.sites : undefined;
  if (b.source === 'observed' && group) {
    const claim = (await ctx.store.bindings.lookupMany([url], 'group')).get(url);
    if (claim?.mh === b.mh && !claim.mustRevalidate && claim.freshUntil > ctx.now()) {
      holders = claim.holders ?? 0;
      sites = claim.sites;
    }
  }
  return {
    key: b.mh,
    urlListed: false,
    holders,
    ...(sites?.length ? { sites } : {}),
    type: b.type,
    corsAnyOrigin: b.corsAnyOrigin === true,
    freshUntil: b.freshUntil,
    ...(b.source === 'group' ? { groupClaim: true } : {}),
    ...(b.corp ? { corp: b.corp } : {}),
    ...(b.etag ? { etag: b.etag } : {}),
  };
}

/**
 * The privacy gate (core/serving/privacy-gate.ts) for a URL's binding: may it be answered to a
 * page of `site`? When that URL is listed or popular on the LAN (or `requirePopular` is off), or
 * group members loaded it on pages of `site`; that its bytes are listed under other URLs changes
 * nothing.
 */
export function isAnswerable(ctx: CacheContext, bound: UrlBinding, site: string | undefined): boolean {
  const s = ctx.settings();
  return bindingVerdict(bound, s, site).allowed;
}

/** Resolves a request of a page to verified bytes, or undefined when the network must answer. */
export async function resolveServable(ctx: CacheContext, url: string, initiator: string | undefined): Promise<Servable | undefined> {
  if (!mayActFor(ctx, hostOf(initiator))) return undefined;
  const bound = await bindingFor(ctx, url);
  if (!bound || bound.type === undefined || !isAnswerable(ctx, bound, hostOf(initiator))) return undefined;
  const blob = await ctx.store.blobs.get(bound.key);
  return blob && { ...bound, type: bound.type, blob };
}
