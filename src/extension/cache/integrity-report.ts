import { bytesMatchSri } from '../../core/integrity/index.ts';
import { hostOf, type CacheContext } from './context.ts';

/** What one page declared: an element's URL and its `integrity` attribute. */
export interface DeclaredIntegrity {
  readonly url: string;
  readonly integrity: string;
}

/**
 * Checks the `integrity` attributes a page declared against what PeerCache learned for those
 * URLs. A page's attribute never CREATES a binding (an attacker page could bind a popular URL
 * to its own bytes for every other site); it can only cast doubt on one this browser observed
 * or the group claimed: when they disagree, the URL's bindings are dropped, so the network
 * answers next time.
 * Returns how many bindings were confirmed and dropped.
 */
export async function checkDeclaredIntegrity(
  ctx: CacheContext,
  pageUrl: string,
  declared: readonly DeclaredIntegrity[],
): Promise<{ confirmed: number; dropped: number }> {
  let confirmed = 0;
  let dropped = 0;
  if (!hostOf(pageUrl)) return { confirmed, dropped };
  for (const { url, integrity } of declared.slice(0, 500)) {
    if (ctx.hashList.lookup(url)) continue; // the list is authoritative for its URLs
    const hit = await ctx.store.bindings.lookup(url, ctx.now(), { sources: ['observed', 'group'] });
    if (!hit) continue;
    const blob = await ctx.store.blobs.get(hit.binding.mh, { touch: false });
    if (!blob) continue;
    if (await bytesMatchSri(blob.bytes, integrity)) {
      confirmed++;
    } else {
      // The group's claim is kept, marked refuted (never served: it needs revalidation), so the
      // next round of the group's bindings does not bring the same claim back.
      const claim = (await ctx.store.bindings.lookup(url, ctx.now(), { sources: ['group'] }))?.binding;
      await ctx.store.bindings.deleteUrl(url);
      if (claim?.mh === hit.binding.mh) await ctx.store.bindings.put({ ...claim, mustRevalidate: true });
      ctx.log(`integrity: ${hostOf(pageUrl)} expects other bytes for ${url}; binding dropped`);
      dropped++;
    }
  }
  return { confirmed, dropped };
}
