import { checkDataUrlServable } from '../../core/serving/asset-checks.ts';
import { buildDataUrl } from '../../core/serving/data-url.ts';
import type { StoredBlob } from '../../store/index.ts';
import { hostOf, type CacheContext } from './context.ts';
import { bindingFor, isAnswerable, type Servable, type UrlBinding } from './resolver.ts';
import { mayActFor } from './site-policy.ts';

/**
 * `resolveServable` (resolver.ts) from memory. Firefox answers a page's request in a blocking webRequest
 * listener that the page waits for; reading the URL's binding, then its bytes (verified), from
 * IndexedDB there, and encoding them as a `data:` URL, cost about 12 ms a request, serialised
 * (bench pageLoad: a page of 20 cached scripts loaded in 3.0x the time of the warm HTTP cache).
 * What is read is kept, and decided again on every request as resolveServable would:
 * - the site policy and the privacy gate are asked afresh (they read settings, in memory);
 * - a binding is kept no longer than its freshness, nor than `ttlMs`; a miss is kept too;
 * - bytes verified once when read; every use, first read included, is handed to `onUse`
 *   (the engine writes them after the page loaded) rather than written while the page waits;
 * - `clear()` after anything the memo was read from may have changed (learning, LAN peers,
 *   group bindings, clearing the cache, settings): the engine's `refresh()`.
 * Bounded: `maxBytes` of bytes and `data:` URLs, `maxUrls` bindings, least recently used first.
 */
export interface ServableMemo {
  resolve(ctx: CacheContext, url: string, initiator: string | undefined): Promise<Servable | undefined>;
  /** `bindingFor`, remembered. */
  binding(ctx: CacheContext, url: string): Promise<UrlBinding | undefined>;
  /** The `data:` URL of these bytes as their type, or undefined when they would not stay the same resource. */
  dataUrlOf(serve: Servable): string | undefined;
  clear(): void;
}

interface HeldBlob {
  readonly blob: StoredBlob;
  /** Per content type: the `data:` URL, or null when these bytes may not become one. */
  readonly dataUrls: Map<string, string | null>;
  size: number;
}

export function createServableMemo(init: { maxBytes: number; maxUrls: number; ttlMs: number; onUse(mh: string): void }): ServableMemo {
  const bindings = new Map<string, { bound: UrlBinding | undefined; until: number }>();
  const blobs = new Map<string, HeldBlob>();
  let heldBytes = 0;
  /** Changes on clear(): a read that started before it must not fill the memo after it. */
  let generation = 0;

  const touchLru = <K, V>(map: Map<K, V>, key: K, value: V): void => {
    map.delete(key);
    map.set(key, value);
  };
  /** Drops the least recently used blobs beyond the budget, never `keep`. */
  const evict = (keep: string): void => {
    for (const [key, old] of blobs) {
      if (heldBytes <= init.maxBytes) break;
      if (key === keep) continue;
      blobs.delete(key);
      heldBytes -= old.size;
    }
  };
  const hold = (mh: string, held: HeldBlob): void => {
    touchLru(blobs, mh, held);
    heldBytes += held.size;
    evict(mh);
  };

  const binding = async (ctx: CacheContext, url: string): Promise<UrlBinding | undefined> => {
    const gen = generation;
    const now = ctx.now();
    let entry = bindings.get(url);
    if (!entry || entry.until <= now) {
      const bound = await bindingFor(ctx, url);
      entry = { bound, until: Math.min(now + init.ttlMs, bound?.freshUntil ?? Infinity) };
      if (gen === generation) {
        touchLru(bindings, url, entry);
        if (bindings.size > init.maxUrls) bindings.delete(bindings.keys().next().value as string);
      }
    }
    return entry.bound;
  };

  return {
    binding,
    async resolve(ctx, url, initiator) {
      const site = hostOf(initiator);
      if (!mayActFor(ctx, site)) return undefined;
      const gen = generation;
      const bound = await binding(ctx, url);
      if (!bound || bound.type === undefined || !isAnswerable(ctx, bound, site)) return undefined;
      let held = blobs.get(bound.key);
      if (held) {
        touchLru(blobs, bound.key, held);
      } else {
        // Read without counting the use in the same breath: that is a read-write transaction,
        // and IndexedDB runs those one at a time, so a page's first requests after the
        // background started (nothing in memory yet) waited for each other's writes, about 10 ms
        // apiece (bench pageLoad, "background suspended"). The use is counted with the others.
        const blob = await ctx.store.blobs.get(bound.key, { touch: false });
        if (!blob) return undefined;
        held = { blob, dataUrls: new Map(), size: blob.size };
        if (gen === generation) hold(bound.key, held);
      }
      init.onUse(bound.key);
      return { ...bound, type: bound.type, blob: held.blob };
    },
    dataUrlOf(serve) {
      const held = blobs.get(serve.key);
      const cached = held?.blob === serve.blob ? held.dataUrls.get(serve.type) : undefined;
      if (cached !== undefined) return cached ?? undefined;
      const verdict = checkDataUrlServable(serve.blob.bytes, serve.type);
      const dataUrl = verdict.servable ? buildDataUrl(serve.blob.bytes, verdict.mediaType) : null;
      if (held?.blob === serve.blob) {
        held.dataUrls.set(serve.type, dataUrl);
        held.size += dataUrl?.length ?? 0;
        heldBytes += dataUrl?.length ?? 0;
        evict(serve.key);
      }
      return dataUrl ?? undefined;
    },
    clear() {
      generation++;
      bindings.clear();
      blobs.clear();
      heldBytes = 0;
    },
  };
}
