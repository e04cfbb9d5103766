/**
 * Firefox serving engine: blocking, asynchronous webRequest (platform-notes.md). A no-cors
 * request on a page whose CSP admits `data:` is answered by a `data:` redirect (the origin sees
 * nothing); any other served request goes out and gets its body replaced by the verified bytes
 * via `filterResponseData`, so CORS, CSP and SRI see the origin's own response. Everything
 * else is left alone and, when admission allows, its body is copied to the cache (no second
 * download; at most 16 copies and 64 MiB at once, copy-limit.ts). Each request is decided by
 * firefox-choice.ts; this file gathers its facts (the URL's binding and bytes, from the cache or
 * LAN peers) and speaks to the browser, which comes in as {@link FirefoxHooks}
 * (background/engine.firefox.ts hands over platform/firefox/).
 */
import { hostOf, type CacheContext } from '../cache/context.ts';
import { mayActFor } from '../cache/site-policy.ts';
import { isAnswerable, type Servable } from '../cache/resolver.ts';
import { createServableMemo } from '../cache/servable-memo.ts';
import type { IncomingResponse, OutgoingRequest, ResponseAction, SubresourceHooks } from '../platform/firefox/web-request.ts';
import type { DocumentHeaders, EngineEnv, ServingEngine } from './engine-types.ts';
import { chooseAnswer, replacesResponse, servedDestination } from './firefox-choice.ts';
import { createCopyLimit } from './copy-limit.ts';
import { createServedStats } from './served-stats.ts';

/** The browser, as the Firefox engine uses it (platform/firefox/web-request.ts). */
export interface FirefoxHooks {
  onDocumentHeaders(listener: (d: DocumentHeaders) => void): void;
  /** Installs blocking listeners on every HTTPS subresource request. */
  interceptSubresources(hooks: SubresourceHooks): void;
}

interface Pending {
  readonly credentialed: boolean;
  readonly serve?: Servable;
}

/** Longest a page's request waits for LAN peers before it goes to the network. */
const LAN_WAIT_MS = 1_500;

/** Requests between their two hooks; bounded, since a failed request never reaches the second. */
const MAX_PENDING = 5_000;

/** What the memo keeps (servable-memo.ts): bytes and `data:` URLs, bindings, and for how long. */
const MEMO = { maxBytes: 48 * 1024 * 1024, maxUrls: 20_000, ttlMs: 60_000 };

const header = (h: readonly { name: string; value: string }[], name: string): string | undefined =>
  h.find((x) => x.name.toLowerCase() === name)?.value;

/** Starts the engine; call synchronously at the background's top level (listeners). */
export function createFirefoxEngine(env: EngineEnv, hooks: FirefoxHooks): ServingEngine {
  const pending = new Map<string, Pending>();
  const remember = (id: string, p: Pending): void => {
    if (pending.size >= MAX_PENDING) pending.delete(pending.keys().next().value as string);
    pending.set(id, p);
  };

  hooks.onDocumentHeaders((d) => env.safety.documentHeaders(d.tabId, d.frameId, d.url, d.responseHeaders));
  const stats = createServedStats({ cache: env.cache, log: env.log });
  const memo = createServableMemo({ ...MEMO, onUse: (mh) => stats.used(mh) });
  const copies = createCopyLimit();

  async function beforeSend(r: OutgoingRequest): Promise<string | undefined> {
    const credentialed = !!(header(r.requestHeaders, 'cookie') || header(r.requestHeaders, 'authorization'));
    if (!servedDestination(r)) return undefined;
    const ctx = await env.cache();
    const host = hostOf(r.documentUrl);
    // Looked up only as far as the choice can use it (the memo applies the site policy and
    // privacy gate first, so a blocked site or a private binding costs no read of bytes), and
    // from memory where it can: the page waits for this listener (servable-memo.ts).
    const found = (await memo.resolve(ctx, r.url, r.documentUrl)) ?? (await askLan(ctx, r.url, r.documentUrl));
    const choice = chooseAnswer(
      { url: r.url, method: r.method, type: r.type, mode: header(r.requestHeaders, 'sec-fetch-mode') ?? '', credentialed, ...(r.documentUrl ? { documentUrl: r.documentUrl } : {}) },
      {
        mayAct: mayActFor(ctx, host),
        found,
        gate: ctx.settings(),
        pageAdmitsData: (destination) => host !== undefined && env.safety.isSafe(host, destination) && env.safety.frameAllows(r.tabId, r.frameId, destination),
        dataUrlOf: (serve) => memo.dataUrlOf(serve),
      },
    );
    if (choice.action === 'redirect') {
      stats.served(host as string, choice.serve.blob.size);
      return choice.dataUrl;
    }
    remember(r.requestId, { credentialed, ...(choice.action === 'replace-body' ? { serve: choice.serve } : {}) });
    return undefined;
  }

  /**
   * A miss for a URL with a trusted binding (the public list, this browser's observation or the
   * group's): LAN peers may hold the bytes. The request waits for them at most LAN_WAIT_MS
   * (then goes to the network; a late answer still fills the cache for next time).
   */
  async function askLan(ctx: CacheContext, url: string, initiator: string | undefined): Promise<Servable | undefined> {
    if (!mayActFor(ctx, hostOf(initiator))) return undefined;
    const bound = await memo.binding(ctx, url);
    const type = bound?.type;
    if (!bound || !type || !isAnswerable(ctx, bound, hostOf(initiator)) || (await ctx.store.blobs.has(bound.key))) return undefined;
    const outcome = await Promise.race([
      env.peers.fetch(bound.key, type, env.maxAssetBytes()),
      new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), LAN_WAIT_MS)),
    ]);
    if (outcome !== 'stored') return undefined;
    // The binding was known already and a missing blob is never remembered: the memo reads the
    // new bytes as it is. (The peer service announced the store; the background refreshed.)
    return memo.resolve(ctx, url, initiator);
  }

  function headers(r: IncomingResponse): ResponseAction {
    const p = pending.get(r.requestId);
    pending.delete(r.requestId);
    if (!p || r.method !== 'GET') return undefined;
    if (p.serve && replacesResponse(p.serve, { statusCode: r.statusCode, etag: header(r.responseHeaders, 'etag') })) {
      stats.served(hostOf(r.documentUrl) as string, p.serve.blob.size);
      return { replaceBody: p.serve.blob.bytes };
    }
    return teeForLearning(r, p.credentialed);
  }

  function teeForLearning(r: IncomingResponse, credentialed: boolean): ResponseAction {
    const seen = { url: r.url, method: r.method, status: r.statusCode, responseHeaders: r.responseHeaders, credentialed, ...(r.documentUrl ? { initiator: r.documentUrl } : {}) };
    // Admission is synchronous and needs settings: the cache is open by the time responses
    // arrive (beforeSend opened it for this very request).
    const learnerNow = learnerCache;
    if (!learnerNow) return undefined;
    const admitted = learnerNow.admit(seen);
    if (!admitted) return undefined;
    // Beyond the copies under way, no copy at all: no filter, the page's response untouched.
    const slot = copies.acquire();
    if (!slot) return undefined;
    return {
      tee: {
        maxBytes: env.maxAssetBytes(),
        reserve: (n) => slot.reserve(n),
        onBody: (bytes) => {
          slot.release();
          if (!bytes) return;
          // A store is announced by the learner (onLearned), which refreshes this engine.
          void learnerNow.learn(seen, admitted, bytes, 0).catch((e: unknown) => env.log(`learn ${r.url}: ${String(e)}`));
        },
      },
    };
  }

  let learnerCache: Awaited<ReturnType<EngineEnv['learner']>> | undefined;
  void env.learner().then((l) => (learnerCache = l));

  hooks.interceptSubresources({ beforeSend, headers });

  const engine: ServingEngine = {
    // Every request is decided live; what it was decided from may have changed.
    refresh: () => memo.clear(),
    flushStats: stats.flush,
    async view() {
      const ctx = await env.cache();
      const cached = (await ctx.store.blobs.list()).length;
      return { engine: 'webRequest', cached, servable: cached, safeHosts: env.safety.view() };
    },
  };
  return engine;
}
