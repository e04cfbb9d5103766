import { mayServeCrossSite } from '../../core/serving/privacy-gate.ts';
import type { StoredBlob } from '../../store/index.ts';
import { hostOf, type CacheContext } from './context.ts';
import { mayActFor } from './site-policy.ts';

/** An asset the cache may answer a request with, and what serving it must respect. */
export interface Servable {
  readonly key: string;
  readonly blob: StoredBlob;
  /** Any origin may read it with CORS (the CDN or the origin said `*`). */
  readonly corsAnyOrigin: boolean;
  /** The validator of the observed response, to check the origin still serves these bytes. */
  readonly etag?: string;
}

/** Which binding says what `url` should hash to, if PeerCache may trust one. */
export async function bindingFor(ctx: CacheContext, url: string): Promise<{ key: string; corsAnyOrigin: boolean; etag?: string } | undefined> {
  const listed = ctx.hashList.lookup(url);
  // jsDelivr and unpkg answer every file with `Access-Control-Allow-Origin: *`.
  if (listed) return { key: listed.key, corsAnyOrigin: true };
  const s = ctx.settings();
  const sources = s.trustGroupBindings && s.groupKey ? (['observed', 'group'] as const) : (['observed'] as const);
  const hit = await ctx.store.bindings.lookup(url, ctx.now(), { sources: [...sources] });
  // A stale or must-revalidate binding is not served: the network decides, as without us.
  if (!hit || hit.needsRevalidation) return undefined;
  return { key: hit.binding.mh, corsAnyOrigin: hit.binding.corsAnyOrigin === true, ...(hit.binding.etag ? { etag: hit.binding.etag } : {}) };
}

/** The privacy gate (core/serving/privacy-gate.ts) for one cached asset. */
export async function isPopularEnough(ctx: CacheContext, key: string): Promise<boolean> {
  const s = ctx.settings();
  const onList = ctx.hashList.isListed(key);
  // The LAN count is read only when it can matter.
  const lanPeers = onList ? 0 : await ctx.store.popularity.peerCount(key);
  return mayServeCrossSite({ onList, lanPeers, minLanPeers: s.minLanPeers, requirePopular: s.requirePopular });
}

/** Resolves a request of a page to verified bytes, or undefined when the network must answer. */
export async function resolveServable(ctx: CacheContext, url: string, initiator: string | undefined): Promise<Servable | undefined> {
  if (!mayActFor(ctx, hostOf(initiator))) return undefined;
  const bound = await bindingFor(ctx, url);
  if (!bound || !(await isPopularEnough(ctx, bound.key))) return undefined;
  const blob = await ctx.store.blobs.get(bound.key);
  return blob && { key: bound.key, blob, corsAnyOrigin: bound.corsAnyOrigin, ...(bound.etag ? { etag: bound.etag } : {}) };
}
