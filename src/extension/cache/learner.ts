import { decideAdmission, type AdmissionDecision } from '../../core/admission/index.ts';
import { computeDigest, sriEntryToKey, verifyMultihashKey } from '../../core/integrity/index.ts';
import { parseCorp } from '../../core/serving/network-refusal.ts';
import { siteOf } from '../../core/site-of.ts';
import { QuotaFullError, SiteBudgetError } from '../../store/index.ts';
import { hostOf, type CacheContext } from './context.ts';
import { mayActFor } from './site-policy.ts';

type Admitted = Extract<AdmissionDecision, { admit: true }>;

/** A response the browser got for a page, as far as learning needs it. */
export interface SeenResponse {
  readonly url: string;
  readonly method: string;
  readonly status: number;
  readonly responseHeaders: readonly { name: string; value: string }[];
  /** URL or origin of the page that made the request. */
  readonly initiator?: string;
  /** The request carried cookies or an Authorization header. */
  readonly credentialed?: boolean;
}

export type LearnOutcome = 'stored' | 'refused' | 'known' | 'mismatch';

/** Learns assets from responses the browser observed (both browsers share this). */
export interface Learner {
  /** The admission decision, or undefined when PeerCache must not learn for this page at all. */
  admit(r: SeenResponse): Admitted | undefined;
  /** True when a fresh binding for this URL already exists (no need to fetch its bytes again). */
  alreadyKnown(url: string): Promise<boolean>;
  /**
   * False when the page's site has added its share of the cache for today (store/blobs.ts):
   * whatever is fetched for it now would be refused, so nothing should be.
   */
  siteHasShare(r: SeenResponse): Promise<boolean>;
  /**
   * Verifies and stores `bytes` for `r`. A URL on the public list must hash to the listed
   * digest; any other URL is bound to the sha384 of what was received. `extraBytes` counts
   * what learning cost beyond the page's own download (Chromium's re-fetch); `pageCacheBytes`
   * what was read from the page's own HTTP cache instead, at no cost (counted apart).
   */
  learn(r: SeenResponse, admitted: Admitted, bytes: Uint8Array, extraBytes: number, pageCacheBytes?: number): Promise<LearnOutcome>;
}

/** A response header's value, by name in any case. */
export const header = (r: SeenResponse, name: string): string | undefined =>
  r.responseHeaders.find((h) => h.name.toLowerCase() === name)?.value;

/**
 * Whether `bytes` can be the whole body the origin sent: never empty, and the declared length
 * when the body was not content-coded (then Content-Length counts the coded bytes). Firefox hands
 * the body tee an empty body when the page's CORS read of the response was refused (measured,
 * Firefox ESR 153); learning it would bind the URL to nothing.
 */
function isWholeBody(r: SeenResponse, bytes: Uint8Array): boolean {
  if (bytes.byteLength === 0) return false;
  const coding = header(r, 'content-encoding')?.trim().toLowerCase();
  const length = header(r, 'content-length');
  if ((coding && coding !== 'identity') || length === undefined || !/^\d+$/.test(length.trim())) return true;
  return Number(length.trim()) === bytes.byteLength;
}

export function createLearner(ctx: CacheContext, onLearned: (key: string) => void): Learner {
  return {
    admit(r) {
      const site = hostOf(r.initiator);
      if (!mayActFor(ctx, site)) return undefined;
      const decision = decideAdmission(
        { url: r.url, method: r.method, status: r.status, credentialed: r.credentialed ?? false, responseHeaders: r.responseHeaders.map((h) => [h.name, h.value] as [string, string]), now: ctx.now() },
        { maxAssetBytes: ctx.settings().maxAssetMB * 1024 * 1024 },
      );
      return decision.admit ? decision : undefined;
    },

    async alreadyKnown(url) {
      const listed = ctx.hashList.lookup(url);
      if (listed) return ctx.store.blobs.has(listed.key);
      const hit = await ctx.store.bindings.lookup(url, ctx.now(), { sources: ['observed'] });
      return !!hit && !hit.needsRevalidation && (await ctx.store.blobs.has(hit.binding.mh));
    },

    async siteHasShare(r) {
      const host = hostOf(r.initiator);
      return host !== undefined && (await ctx.store.blobs.siteShareLeft(siteOf(host))) > 0;
    },

    async learn(r, admitted, bytes, extraBytes, pageCacheBytes = 0) {
      const site = hostOf(r.initiator) as string;
      if (bytes.byteLength > ctx.settings().maxAssetMB * 1024 * 1024 || !isWholeBody(r, bytes)) return 'refused';
      const listed = ctx.hashList.lookup(r.url);
      let key: string;
      if (listed) {
        // The list says what these bytes must be; anything else is not the file it names.
        if (!(await verifyMultihashKey(bytes, listed.key))) {
          ctx.log(`learn: ${r.url} does not match the public hash list; not stored`);
          return 'mismatch';
        }
        key = listed.key;
      } else {
        key = sriEntryToKey({ algorithm: 'sha384', digest: await computeDigest('sha384', bytes) });
      }
      try {
        // The share is the registrable domain's: a page's subdomains do not get one each.
        await ctx.store.blobs.put(key, bytes, admitted.contentType, { site: siteOf(site) });
      } catch (e) {
        // The site has added its share of the cache today, or the disk is full even after the
        // store evicted what it could: this file is not stored, everything stored before stays
        // (the write was rolled back), and learning goes on with the next response.
        if (!(e instanceof SiteBudgetError) && !(e instanceof QuotaFullError)) throw e;
        ctx.log(`learn: ${r.url} not stored: ${e.message}`);
        return 'refused';
      }
      if (!listed) {
        const etag = header(r, 'etag');
        const lastModified = header(r, 'last-modified');
        const corp = parseCorp(header(r, 'cross-origin-resource-policy'));
        await ctx.store.bindings.put({
          url: r.url, mh: key, source: 'observed', site, fetchedAt: ctx.now(), freshUntil: admitted.freshUntil,
          // What the origin sent with this URL, for the decisions about this URL only.
          mustRevalidate: admitted.mustRevalidate, corsAnyOrigin: header(r, 'access-control-allow-origin')?.trim() === '*',
          type: admitted.contentType, ...(corp ? { corp } : {}),
          ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}),
        });
      }
      if (extraBytes > 0 || pageCacheBytes > 0) await ctx.store.stats.add(site, { learnBytes: extraBytes, pageCacheBytes });
      onLearned(key);
      return 'stored';
    },
  };
}
