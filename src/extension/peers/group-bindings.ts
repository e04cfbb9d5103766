/**
 * A browser's side of the group's bindings (`/peercache/bindings/1.0.0`, architecture.md
 * "Trust", source 3): what it tells the group it observed, and how it takes in what the group
 * observed. Only with a group key and `trustGroupBindings`: without a key anyone on the LAN
 * could claim bindings, and without the policy nobody asked this browser to trust them.
 */
import { mayServeCrossSite } from '../../core/serving/privacy-gate.ts';
import type { Settings } from '../../core/settings/index.ts';
import { MAX_BINDINGS, type GroupBinding } from '../../p2p/bindings/index.ts';
import type { Binding, Store } from '../../store/index.ts';
import { isSiteList } from '../../store/decode.ts';
import type { HashListIndex } from '../cache/context.ts';

export const sharesGroupBindings = (s: Settings): boolean => s.trustGroupBindings && s.groupKey !== '';

/** Site recorded on bindings learned from the group (they belong to no site of this browser). */
const GROUP_SITE = '(group)';

/** What this browser observed itself, for the group: fresh, held, and not on the public list. */
export async function observedBindings(store: Store, hashList: HashListIndex): Promise<GroupBinding[]> {
  const held = new Map((await store.blobs.list()).map((m) => [m.mh, m.type]));
  return (await store.bindings.listFresh('observed', Date.now(), MAX_BINDINGS))
    .filter((b) => held.has(b.mh) && !hashList.lookup(b.url))
    // The type this URL was served with (its own binding's), not the blob's.
    .map((b) => ({
      url: b.url, mh: b.mh, freshUntil: Math.min(b.freshUntil, Number.MAX_SAFE_INTEGER), holders: 1, type: b.type ?? held.get(b.mh)!, corsAnyOrigin: b.corsAnyOrigin === true,
      // The page's host: that site's own pages may be answered this binding (privacy-gate.ts).
      ...(b.site && isSiteList([b.site]) ? { sites: [b.site] } : {}),
    }));
}

/** True when `observed`, this browser's own binding of a URL, is fresh and names other bytes than `mh`. */
export function contradictsOwnObservation(observed: Binding | undefined, mh: string, now: number): boolean {
  return observed !== undefined && observed.mh !== mh && !observed.mustRevalidate && observed.freshUntil > now;
}

/**
 * Takes in the group's bindings from the LAN node `nodeId`: stored as source 'group' (the
 * resolver uses them only while policy trusts the group), with the node's holder counts for
 * the privacy gate. Resolves to the blocks worth copying: servable under the gate.
 */
export async function learnGroupBindings(
  ctx: { store: Store; hashList: HashListIndex; settings: Settings; nodeId: string; log(line: string): void; onChanged(): void },
  bindings: readonly GroupBinding[],
): Promise<{ key: string; type: string }[]> {
  const { store, hashList, settings: s } = ctx;
  const now = Date.now();
  const wanted = new Map<string, string>();
  // The public list says what its URLs hold; no claim overrides it.
  const claims = bindings.filter((b) => !hashList.lookup(b.url));
  // One read and two writes per round, not a few per record: a book can hold thousands.
  const had = await store.bindings.lookupMany(claims.map((b) => b.url), 'group');
  const own = await store.bindings.lookupMany(claims.map((b) => b.url), 'observed');
  const puts: Binding[] = [];
  const counts = new Map<string, number>();
  for (const b of claims) {
    // This browser saw the origin serve other bytes, and that is still fresh: its own observation
    // beats any claim (issue 10, item 1), so the claim is neither kept, nor counted, nor copied.
    if (contradictsOwnObservation(own.get(b.url), b.mh, now)) continue;
    const h = had.get(b.url);
    // A page's integrity attribute refuted this very claim here (integrity-report.ts): keep
    // ignoring it; a different claim for the URL replaces it.
    if (h?.mh === b.mh && h.mustRevalidate) continue;
    // The node's count is of this very binding: the privacy gate reads it for this URL only.
    if (h?.mh !== b.mh || h.freshUntil !== b.freshUntil || h.holders !== b.holders || h.type !== b.type || h.corsAnyOrigin !== b.corsAnyOrigin || String(h.sites) !== String(b.sites)) {
      puts.push({ url: b.url, mh: b.mh, source: 'group', site: GROUP_SITE, fetchedAt: now, freshUntil: b.freshUntil, mustRevalidate: false, corsAnyOrigin: b.corsAnyOrigin, type: b.type, holders: b.holders, ...(b.sites?.length ? { sites: [...b.sites] } : {}) });
    }
    counts.set(b.mh, Math.max(counts.get(b.mh) ?? 0, b.holders));
    // Worth copying when some URL may be answered with these bytes: their listed URLs (the bytes
    // are listed), or this URL when its own binding is popular.
    const onList = hashList.isListed(b.mh);
    // Or to the sites members loaded it on (privacy-gate.ts, same-site).
    if ((b.sites?.length ?? 0) > 0 || mayServeCrossSite({ onList, lanPeers: onList ? 0 : b.holders, minLanPeers: s.minLanPeers, requirePopular: s.requirePopular })) wanted.set(b.mh, b.type);
  }
  await store.bindings.putMany(puts);
  await store.popularity.recordCounts(ctx.nodeId, counts);
  const changed = puts.length;
  if (changed > 0) {
    ctx.log(`${changed} binding(s) from the group via ${ctx.nodeId}`);
    ctx.onChanged();
  }
  return [...wanted].map(([key, type]) => ({ key, type }));
}
