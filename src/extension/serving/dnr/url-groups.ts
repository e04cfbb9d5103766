/**
 * Which URLs of one cached asset the Chromium engine may answer with a `data:` rule, and in how
 * many rules (pure: the engine reads the bindings, this decides). Each URL is judged by its own
 * binding (issue 9, item 3): the privacy gate by that URL's listing or LAN popularity, the
 * network's checks by what its origin sent (rules.ts, `redirectResourceTypes`), the `data:` type
 * by its own Content-Type. A listed file's status never carries over to another URL serving the
 * same bytes, nor to that URL's CORS mode or type: a bank's own copy of jQuery is the bank's.
 */
import { classifyContentType } from '../../../core/admission/asset-type.ts';
import type { ResponseAccess } from '../../../core/serving/network-refusal.ts';
import { bindingVerdict, type BindingPopularity, type PrivacyGateInput } from '../../../core/serving/privacy-gate.ts';
import { redirectResourceTypes } from './rules.ts';

/** One URL bound to the asset's bytes, with its own binding's facts. */
export interface AssetUrl extends BindingPopularity, ResponseAccess {
  readonly url: string;
  /** The Content-Type this URL is served with (undefined: unknown, never answered). */
  readonly type: string | undefined;
}

/** URLs one rule may cover: their bindings agree on the type and on what the origin sent. */
export interface UrlGroup {
  readonly type: string;
  readonly access: ResponseAccess;
  readonly urls: readonly string[];
  /**
   * Only pages of these sites may be answered (a group binding the gate lets through only to the
   * sites members loaded it on: privacy-gate.ts, same-site); absent: any site.
   */
  readonly sites?: readonly string[];
}

/**
 * The answerable URLs of one asset, grouped by (type, access), in a stable order (by type, then
 * access; URLs in the order given). URLs the gate refuses, of an unknown or unserved type, or
 * that some request DNR cannot tell apart would be refused on the network, are left out.
 *
 * @example
 * ```ts
 * groupAnswerableUrls([
 *   { url: 'https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js', urlListed: true, holders: 0, type: 'text/javascript', corsAnyOrigin: true },
 *   { url: 'https://bank.example/js/jquery.min.js', urlListed: false, holders: 0, type: 'text/javascript', corsAnyOrigin: false },
 * ], { minLanPeers: 3, requirePopular: true }); // one group: the jsDelivr URL only
 * ```
 */
export function groupAnswerableUrls(urls: readonly AssetUrl[], gate: Pick<PrivacyGateInput, 'minLanPeers' | 'requirePopular'>): UrlGroup[] {
  const groups = new Map<string, { type: string; access: ResponseAccess; urls: string[]; sites?: string[] }>();
  for (const u of urls) {
    if (u.type === undefined) continue;
    // Any site, or only the sites group members loaded the URL on (one rule condition each).
    const sites = bindingVerdict(u, gate).allowed ? undefined : u.sites?.length ? [...u.sites].sort() : null;
    if (sites === null) continue;
    const kind = classifyContentType(u.type);
    if (kind === null || redirectResourceTypes(kind, u).length === 0) continue;
    const access: ResponseAccess = { corsAnyOrigin: u.corsAnyOrigin, ...(u.corp ? { corp: u.corp } : {}) };
    const id = JSON.stringify([u.type, access.corsAnyOrigin, access.corp ?? '', sites ?? []]);
    const group = groups.get(id) ?? { type: u.type, access, urls: [], ...(sites ? { sites } : {}) };
    if (!group.urls.includes(u.url)) group.urls.push(u.url);
    groups.set(id, group);
  }
  return [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
}
