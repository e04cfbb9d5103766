import { algorithmInfo, bytesMatchSri, keyToMultihash } from '../../core/integrity/index.ts';
import type { StoredBlob } from '../../store/index.ts';
import { hostOf, type CacheContext } from './context.ts';
import { createIntegrityBudget, type IntegrityBudget } from './integrity-budget.ts';

/** What one page declared: an element's URL and its `integrity` attribute. */
export interface DeclaredIntegrity {
  readonly url: string;
  readonly integrity: string;
}

/** Attributes read from one report; the content script sends no more (src/extension/content). */
export const MAX_DECLARED_PER_REPORT = 500;

/** One budget per cache context: the background's, for as long as it runs. */
const budgets = new WeakMap<CacheContext, IntegrityBudget>();

/**
 * A SubtleCrypto for one stored file's bytes only: each digest is computed at most once per
 * report, and the one of its key's algorithm not at all (the store verified the bytes against it).
 */
function memoDigests(mh: string, memo: Map<string, Promise<ArrayBuffer>>): SubtleCrypto {
  const key = keyToMultihash(mh);
  const own = algorithmInfo(key.algorithm).webCryptoName;
  return {
    digest(algorithm: AlgorithmIdentifier, data: BufferSource): Promise<ArrayBuffer> {
      const name = typeof algorithm === 'string' ? algorithm : algorithm.name;
      const id = `${mh} ${name.toUpperCase()}`;
      let d = memo.get(id);
      if (!d) {
        d = name.toUpperCase() === own ? Promise.resolve(key.digest.slice().buffer) : crypto.subtle.digest(algorithm, data);
        memo.set(id, d);
      }
      return d;
    },
  } as SubtleCrypto;
}

/**
 * Checks the `integrity` attributes a page declared against what PeerCache learned for those
 * URLs. A page's attribute never CREATES a binding (an attacker page could bind a popular URL
 * to its own bytes for every other site); it can only cast doubt on one this browser observed
 * or the group claimed: when they disagree, the URL's bindings are dropped, so the network
 * answers next time.
 *
 * Bounded against a page that declares hundreds (issue 10, item 2): at most
 * {@link MAX_DECLARED_PER_REPORT} attributes per report; each stored file is read (and so
 * verified) once per report, and its SRI digest needs no second hash when the attribute uses the
 * key's algorithm; reads beyond the page's host's share of the minute (integrity-budget.ts) are
 * not made.
 * Returns how many bindings were confirmed and dropped.
 */
export async function checkDeclaredIntegrity(
  ctx: CacheContext,
  pageUrl: string,
  declared: readonly DeclaredIntegrity[],
): Promise<{ confirmed: number; dropped: number }> {
  let confirmed = 0;
  let dropped = 0;
  let overBudget = 0;
  const host = hostOf(pageUrl);
  if (!host) return { confirmed, dropped };
  let budget = budgets.get(ctx);
  if (!budget) budgets.set(ctx, (budget = createIntegrityBudget(() => ctx.now())));
  const blobs = new Map<string, StoredBlob | undefined>();
  const digests = new Map<string, Promise<ArrayBuffer>>();
  for (const { url, integrity } of declared.slice(0, MAX_DECLARED_PER_REPORT)) {
    if (ctx.hashList.lookup(url)) continue; // the list is authoritative for its URLs
    const hit = await ctx.store.bindings.lookup(url, ctx.now(), { sources: ['observed', 'group'] });
    if (!hit) continue;
    const mh = hit.binding.mh;
    if (!blobs.has(mh)) {
      if (!budget.take(host)) {
        overBudget++;
        continue;
      }
      blobs.set(mh, await ctx.store.blobs.get(mh, { touch: false }));
    }
    const blob = blobs.get(mh);
    if (!blob) continue;
    if (await bytesMatchSri(blob.bytes, integrity, memoDigests(mh, digests))) {
      confirmed++;
    } else {
      // The group's claim is kept, marked refuted (never served: it needs revalidation), so the
      // next round of the group's bindings does not bring the same claim back.
      const claim = (await ctx.store.bindings.lookup(url, ctx.now(), { sources: ['group'] }))?.binding;
      await ctx.store.bindings.deleteUrl(url);
      if (claim?.mh === hit.binding.mh) await ctx.store.bindings.put({ ...claim, mustRevalidate: true });
      ctx.log(`integrity: ${host} expects other bytes for ${url}; binding dropped`);
      dropped++;
    }
  }
  if (overBudget > 0) ctx.log(`integrity: ${host} declared more than its share; ${overBudget} not checked`);
  return { confirmed, dropped };
}
