/**
 * Firefox serving engine: blocking, asynchronous webRequest (platform-notes.md). A no-cors
 * request on a page whose CSP admits `data:` is answered by a `data:` redirect (the origin sees
 * nothing); any other served request goes out and gets its body replaced by the verified bytes
 * via `filterResponseData`, so CORS, CSP and SRI see the origin's own response. Everything
 * else is left alone and, when admission allows, its body is copied to the cache (no second
 * download).
 */
import { checkDataUrlServable } from '../../core/serving/asset-checks.ts';
import { buildDataUrl } from '../../core/serving/data-url.ts';
import { networkRefusal, typeLoadsAs } from '../../core/serving/network-refusal.ts';
import { hostOf, type CacheContext } from '../cache/context.ts';
import { mayActFor } from '../cache/site-policy.ts';
import { bindingFor, isAnswerable, resolveServable, type Servable } from '../cache/resolver.ts';
import { interceptSubresources, onDocumentHeaders, type IncomingResponse, type OutgoingRequest } from '../platform/firefox/web-request.ts';
import { DESTINATIONS, type EngineEnv, type ServingEngine } from './engine-types.ts';

interface Pending {
  readonly credentialed: boolean;
  readonly serve?: Servable;
}

/** Longest a page's request waits for LAN peers before it goes to the network. */
const LAN_WAIT_MS = 1_500;

/** Requests between their two hooks; bounded, since a failed request never reaches the second. */
const MAX_PENDING = 5_000;

const header = (h: readonly { name: string; value: string }[], name: string): string | undefined =>
  h.find((x) => x.name.toLowerCase() === name)?.value;

export function registerEngine(env: EngineEnv): ServingEngine {
  const pending = new Map<string, Pending>();
  const remember = (id: string, p: Pending): void => {
    if (pending.size >= MAX_PENDING) pending.delete(pending.keys().next().value as string);
    pending.set(id, p);
  };

  onDocumentHeaders((d) => env.safety.documentHeaders(d.tabId, d.frameId, d.url, d.responseHeaders));

  async function beforeSend(r: OutgoingRequest): Promise<string | undefined> {
    const credentialed = !!(header(r.requestHeaders, 'cookie') || header(r.requestHeaders, 'authorization'));
    const destination = DESTINATIONS[r.type];
    if (r.method !== 'GET' || !destination) return undefined;
    const ctx = await env.cache();
    const found = (await resolveServable(ctx, r.url, r.documentUrl)) ?? (await askLan(ctx, r.url, r.documentUrl));
    const mode = header(r.requestHeaders, 'sec-fetch-mode') ?? '';
    // A request the network would refuse, judged by what this URL's origin sent (CORS, CORP), is
    // never answered: it goes out untouched and fails as it would without PeerCache.
    const serve = found && !networkRefusal(found, { url: r.url, initiator: r.documentUrl ?? '', mode, credentialed }) ? found : undefined;
    remember(r.requestId, { credentialed, ...(serve ? { serve } : {}) });
    if (!serve) return undefined;
    const host = hostOf(r.documentUrl) as string;
    // data: only where it cannot change the outcome: no-cors (CORS mode fails on data: in
    // Firefox), a page whose CSP admits data: for this destination (this document's headers,
    // and the site's history including <meta> CSPs), a type this destination loads as the
    // network's response would load, and bytes without relative references.
    if (mode !== 'no-cors' || !env.safety.isSafe(host, destination) || !env.safety.frameAllows(r.tabId, r.frameId, destination)) return undefined;
    if (!typeLoadsAs(serve.type, destination)) return undefined;
    const verdict = checkDataUrlServable(serve.blob.bytes, serve.type);
    if (!verdict.servable) return undefined;
    pending.delete(r.requestId);
    void ctx.store.stats.add(host, { servedRequests: 1, bytesSaved: serve.blob.size });
    return buildDataUrl(serve.blob.bytes, verdict.mediaType);
  }

  /**
   * A miss for a URL with a trusted binding (the public list, this browser's observation or the
   * group's): LAN peers may hold the bytes. The request waits for them at most LAN_WAIT_MS
   * (then goes to the network; a late answer still fills the cache for next time).
   */
  async function askLan(ctx: CacheContext, url: string, initiator: string | undefined): Promise<Servable | undefined> {
    if (!mayActFor(ctx, hostOf(initiator))) return undefined;
    const bound = await bindingFor(ctx, url);
    const type = bound?.type;
    if (!bound || !type || (await ctx.store.blobs.has(bound.key)) || !isAnswerable(ctx, bound)) return undefined;
    const outcome = await Promise.race([
      env.peers.fetch(bound.key, type, env.maxAssetBytes()),
      new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), LAN_WAIT_MS)),
    ]);
    return outcome === 'stored' ? resolveServable(ctx, url, initiator) : undefined;
  }

  function headers(r: IncomingResponse): ReturnType<Parameters<typeof interceptSubresources>[0]['headers']> {
    const p = pending.get(r.requestId);
    pending.delete(r.requestId);
    if (!p || r.method !== 'GET') return undefined;
    if (p.serve) {
      // Replace only a response that is the one we hold: 200, and the same version when the
      // origin names one. Anything else (an error, a new version) reaches the page untouched.
      const etag = header(r.responseHeaders, 'etag');
      if (r.statusCode === 200 && (!p.serve.etag || !etag || etag === p.serve.etag)) {
        const host = hostOf(r.documentUrl) as string;
        void env.cache().then((ctx) => ctx.store.stats.add(host, { servedRequests: 1, bytesSaved: p.serve!.blob.size }));
        return { replaceBody: p.serve.blob.bytes };
      }
    }
    return teeForLearning(r, p.credentialed);
  }

  function teeForLearning(r: IncomingResponse, credentialed: boolean): ReturnType<typeof headers> {
    const seen = { url: r.url, method: r.method, status: r.statusCode, responseHeaders: r.responseHeaders, credentialed, ...(r.documentUrl ? { initiator: r.documentUrl } : {}) };
    // Admission is synchronous and needs settings: the cache is open by the time responses
    // arrive (beforeSend opened it for this very request).
    const learnerNow = learnerCache;
    if (!learnerNow) return undefined;
    const admitted = learnerNow.admit(seen);
    if (!admitted) return undefined;
    return {
      tee: {
        maxBytes: env.maxAssetBytes(),
        onBody: (bytes) => {
          if (!bytes) return;
          void learnerNow.learn(seen, admitted, bytes, 0).then(
            (outcome) => outcome === 'stored' && engine.refresh(),
            (e: unknown) => env.log(`learn ${r.url}: ${String(e)}`),
          );
        },
      },
    };
  }

  let learnerCache: Awaited<ReturnType<EngineEnv['learner']>> | undefined;
  void env.learner().then((l) => (learnerCache = l));

  interceptSubresources({ beforeSend, headers });

  const engine: ServingEngine = {
    refresh: () => undefined, // every request is decided live; nothing to re-plan
    async view() {
      const ctx = await env.cache();
      const cached = (await ctx.store.blobs.list()).length;
      return { engine: 'webRequest', cached, servable: cached, safeHosts: env.safety.view() };
    },
  };
  return engine;
}
