import type { SeenResponse } from '../cache/learner.ts';
import { bindingFor } from '../cache/resolver.ts';
import type { EngineEnv } from './engine-types.ts';

const CONCURRENCY = 2;
const MAX_QUEUED = 200;

/**
 * Chromium learning: the extension cannot read a page's response body, so it fetches the URL
 * again, without credentials (what it stores is what anyone would get), and only when the
 * response was admissible and is not known yet. The extra bytes are counted in the stats.
 * Bounded: at most two fetches at a time and 200 waiting; duplicates are dropped.
 */
export function createRefetchQueue(init: { env: EngineEnv; onStored: () => void }): { consider(r: SeenResponse): void } {
  const { env } = init;
  const queued = new Map<string, SeenResponse>();
  let running = 0;

  /**
   * Downloading again costs the user bytes: only for what can ever be served or shared. A
   * file off the public list is only servable once popular on the LAN (or with
   * requirePopular off), which needs a LAN to share with.
   */
  async function worthFetching(url: string): Promise<boolean> {
    const ctx = await env.cache();
    const s = ctx.settings();
    return !!ctx.hashList.lookup(url) || !s.requirePopular || (s.sharingMode === 'lan' && s.lanNodes.length > 0);
  }

  async function fetchAndLearn(r: SeenResponse): Promise<void> {
    if (!(await worthFetching(r.url))) return;
    const learner = await env.learner();
    const admitted = learner.admit(r);
    if (!admitted || (await learner.alreadyKnown(r.url))) return;
    const max = env.maxAssetBytes();
    // A URL whose hash is known (the public list, or the group's binding when trusted): a LAN
    // peer can provide it verified instead of the origin ("a peer is asked first"); the bytes
    // come in over the LAN, not the WAN link.
    const ctx = await env.cache();
    const bound = await bindingFor(ctx, r.url);
    // Held already (the group's binding named bytes this browser has): nothing to download.
    if (bound && (await ctx.store.blobs.has(bound.key))) return;
    if (bound && (await env.peers.fetch(bound.key, admitted.contentType, max)) === 'stored') {
      init.onStored();
      return;
    }
    const res = await fetch(r.url, { credentials: 'omit', cache: 'no-store', redirect: 'error' });
    if (res.status !== 200 || Number(res.headers.get('content-length') ?? 0) > max) return;
    // The same version as the page got, when the origin names versions.
    const seenEtag = r.responseHeaders.find((h) => h.name.toLowerCase() === 'etag')?.value;
    if (seenEtag && res.headers.get('etag') && res.headers.get('etag') !== seenEtag) return;
    const bytes = new Uint8Array(await res.arrayBuffer());
    if ((await learner.learn(r, admitted, bytes, bytes.byteLength)) === 'stored') init.onStored();
  }

  function pump(): void {
    while (running < CONCURRENCY && queued.size > 0) {
      const [url, r] = queued.entries().next().value as [string, SeenResponse];
      queued.delete(url);
      running++;
      void fetchAndLearn(r)
        .catch((e: unknown) => env.log(`learn ${url}: ${String(e)}`))
        .finally(() => {
          running--;
          pump();
        });
    }
  }

  return {
    consider(r) {
      if (queued.has(r.url) || queued.size >= MAX_QUEUED) return;
      queued.set(r.url, r);
      pump();
    },
  };
}
