// Why a request of a simulated browser was, or was not, answered from PeerCache's cache.
// Chromium: whether a session rule would answer it, from the same pieces the engine's plan uses
// (serving/chromium-plan.ts): the URL's own binding (cache/resolver.ts), the privacy gate and
// rule eligibility (serving/dnr/url-groups.ts, rules.ts), `data:` eligibility of the bytes
// (core/serving/asset-checks.ts), the sites known to admit `data:` (background/site-safety-store.ts)
// and the planning delay (a 250 ms debounce, then the plan). Not modelled: the hot set's budget
// (1,000 rules, 32 MiB of `data:` URLs), reported apart. Firefox: the real engine decides
// (member.ts); this only names the cause when it did not answer from the cache.
import { classifyContentType } from '../../src/core/admission/asset-type.ts';
import { checkDataUrlServable } from '../../src/core/serving/asset-checks.ts';
import type { CspDestination } from '../../src/core/serving/csp.ts';
import { bindingVerdict } from '../../src/core/serving/privacy-gate.ts';
import type { CacheContext } from '../../src/extension/cache/context.ts';
import { bindingFor, type UrlBinding } from '../../src/extension/cache/resolver.ts';
import { redirectResourceTypes } from '../../src/extension/serving/dnr/rules.ts';
import { groupAnswerableUrls } from '../../src/extension/serving/dnr/url-groups.ts';
import type { SiteSafetyView } from '../../src/extension/serving/engine-types.ts';
import type { WanCause } from './accounting.ts';
import type { PageRequest, WebFile } from './trace.ts';

/** Chromium's debounce before a plan (chromium-engine.ts) plus the plan and its rule update. */
export const PLAN_DELAY_MS = 250 + 100;

/** What a browser knows, as the decisions read it. */
export interface ServingFacts {
  readonly ctx: CacheContext;
  readonly safety: SiteSafetyView;
  /** When this browser stored each block, and last changed each URL's bindings (ms). */
  readonly heldAt: ReadonlyMap<string, number>;
  readonly boundAt: ReadonlyMap<string, number>;
  /** Whether the LAN node hosts this block. */
  lanHas(key: string): boolean;
  /** Whether `site`'s documents refuse `data:` (its CSP). */
  strictCsp(site: string): boolean;
}

const DNR_TYPE: Record<PageRequest['destination'], string> = { script: 'script', style: 'stylesheet', font: 'font', image: 'image' };
const servableMemo = new Map<string, boolean>();

/** `checkDataUrlServable`, remembered per file and type (the bytes never change). */
function dataServable(file: WebFile, type: string): boolean {
  const k = `${file.url} ${type}`;
  let v = servableMemo.get(k);
  if (v === undefined) servableMemo.set(k, (v = checkDataUrlServable(file.bytes(), type).servable));
  return v;
}

/** The requesting page's site matches a rule's `initiatorDomains` (subdomains included). */
const under = (site: string, domains: readonly string[]): boolean => domains.some((d) => site === d || site.endsWith(`.${d}`));

/** Not held here: does the office have it? */
function absence(f: ServingFacts, key: string | undefined): WanCause {
  return key !== undefined && f.lanHas(key) ? 'not-here-yet' : 'not-in-lan';
}

/** Whether a Chromium session rule answers `q` from a page of `site` at `now`, and if not, why. */
export async function chromiumAnswer(f: ServingFacts, q: PageRequest, file: WebFile, site: string, fileKey: string, now: number): Promise<{ served: true } | { served: false; cause: WanCause }> {
  const s = f.ctx.settings();
  const bound = await bindingFor(f.ctx, q.url);
  if (!bound) return { served: false, cause: absence(f, fileKey) };
  const groups = groupAnswerableUrls([{ url: q.url, ...bound }], s);
  if (groups.length === 0) return { served: false, cause: gateAllows(bound, f, site) ? 'no-rule' : 'privacy-gate' };
  const g = groups[0]!;
  const sites = (g as { sites?: readonly string[] }).sites;
  if (sites && !under(site, sites)) return { served: false, cause: 'privacy-gate' };
  const kind = classifyContentType(g.type);
  if (kind === null || !redirectResourceTypes(kind, g.access).includes(DNR_TYPE[q.destination] as never) || !dataServable(file, g.type)) return { served: false, cause: 'no-rule' };
  if (!(await f.ctx.store.blobs.has(bound.key))) return { served: false, cause: absence(f, bound.key) };
  if ((f.heldAt.get(bound.key) ?? 0) > now - PLAN_DELAY_MS || (f.boundAt.get(q.url) ?? 0) > now - PLAN_DELAY_MS) return { served: false, cause: 'rule-delay' };
  if (!f.safety.isSafe(site, q.destination as CspDestination)) return { served: false, cause: f.strictCsp(site) ? 'csp-refuses' : 'csp-unknown' };
  return { served: true };
}

function gateAllows(bound: UrlBinding, f: ServingFacts, site: string): boolean {
  // The third argument (the requesting site) is read by gates that answer a site its own files.
  return (bindingVerdict as (b: UrlBinding, s: ReturnType<CacheContext['settings']>, site?: string) => { allowed: boolean })(bound, f.ctx.settings(), site).allowed;
}

/**
 * Why Firefox's engine sent `q` to the network (`replaced`: it then replaced the body). Asked
 * after the engine decided; the engine itself already asked LAN peers (up to 1.5 s).
 */
export async function firefoxCause(f: ServingFacts, q: PageRequest, file: WebFile, site: string, fileKey: string, replaced: boolean): Promise<WanCause> {
  const bound = await bindingFor(f.ctx, q.url);
  if (!bound) return absence(f, fileKey);
  if (!gateAllows(bound, f, site)) return 'privacy-gate';
  if (!(await f.ctx.store.blobs.has(bound.key))) return absence(f, bound.key);
  if (!replaced) return 'other';
  // Held, allowed, body replaced: why not a `data:` redirect (firefox-choice.ts).
  if (q.mode !== 'no-cors') return 'cors-request';
  if (f.strictCsp(site)) return 'csp-refuses';
  if (bound.type && !dataServable(file, bound.type)) return 'no-rule';
  return f.safety.isSafe(site, q.destination as CspDestination) ? 'other' : 'csp-unknown';
}
