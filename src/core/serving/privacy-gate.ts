/**
 * The privacy gate (architecture.md, "Privacy"): a shared cache is what browsers removed to
 * stop history sniffing, and counting the sites that used an asset does not help because
 * the attacker is a site too. So an asset is answered cross-site only when it is popular at
 * population level: on the public hash list, or held by at least `minLanPeers` distinct LAN
 * peers; unless the admin turns `requirePopular` off.
 *
 * What is judged is what is asked for. A page asks for a URL, so its request is judged by that
 * URL's binding ({@link bindingVerdict}): a site's own copy of a listed file, at the site's own
 * URL, is that site's private file even though the same bytes are on the list (issue 9: a
 * bank's self-hosted jQuery, answered to other sites, told them the browser visited the bank).
 * A LAN peer asks for bytes by hash, and there the hash is judged ({@link crossSiteVerdict}).
 */
import { InvalidServingInputError } from './errors.ts';

/** What the gate needs to know about one asset and the settings. */
export interface PrivacyGateInput {
  /** On the public hash list shipped with the extension (for a URL: that URL, see {@link bindingVerdict}). */
  onList: boolean;
  /** Distinct LAN peers known to hold the asset (for a URL: its binding). */
  lanPeers: number;
  /** The `minLanPeers` setting. */
  minLanPeers: number;
  /** The `requirePopular` setting. */
  requirePopular: boolean;
}

/** Why the gate decided as it did (for local stats and debugging). */
export type PrivacyGateReason = 'on-list' | 'lan-popular' | 'same-site' | 'popularity-not-required' | 'not-popular';

/** The decision and its reason. */
export interface PrivacyGateVerdict {
  readonly allowed: boolean;
  readonly reason: PrivacyGateReason;
}

/**
 * Decides, naming the strongest reason: popularity is reported even when `requirePopular`
 * is off, so stats show how much the setting actually changes.
 *
 * @throws {@link InvalidServingInputError} when `minLanPeers` is not a positive integer
 * (0 would make everything popular; turning the gate off is `requirePopular`'s job) or
 * `lanPeers` is not a non-negative integer.
 */
export function crossSiteVerdict(input: PrivacyGateInput): PrivacyGateVerdict {
  const { onList, lanPeers, minLanPeers, requirePopular } = input;
  if (!Number.isInteger(minLanPeers) || minLanPeers < 1) {
    throw new InvalidServingInputError(`minLanPeers must be a positive integer, got ${minLanPeers}`);
  }
  if (!Number.isInteger(lanPeers) || lanPeers < 0) {
    throw new InvalidServingInputError(`lanPeers must be a non-negative integer, got ${lanPeers}`);
  }
  if (onList) return { allowed: true, reason: 'on-list' };
  if (lanPeers >= minLanPeers) return { allowed: true, reason: 'lan-popular' };
  if (!requirePopular) return { allowed: true, reason: 'popularity-not-required' };
  return { allowed: false, reason: 'not-popular' };
}

/**
 * Whether the asset may be served to a site other than those that loaded it here.
 *
 * @example
 * ```ts
 * mayServeCrossSite({ onList: false, lanPeers: 3, minLanPeers: 3, requirePopular: true }) // true
 * ```
 */
export function mayServeCrossSite(input: PrivacyGateInput): boolean {
  return crossSiteVerdict(input).allowed;
}

/** The popularity of one URL -> hash binding: never that of its bytes under other URLs. */
export interface BindingPopularity {
  /** The public hash list binds this very URL to these bytes. */
  readonly urlListed: boolean;
  /** Distinct LAN members holding this very URL -> hash binding (the group's book). */
  readonly holders: number;
  /**
   * For a binding the group told of: the hosts of the pages on which members loaded this URL
   * (see {@link bindingVerdict}).
   */
  readonly sites?: readonly string[];
}

/**
 * The gate for a page's request of one URL: whether that URL's binding may be answered to a
 * site other than the one it was learned on; with `site` (the requesting page's host), also to
 * that site when group members loaded the URL on its pages.
 *
 * @example
 * ```ts
 * // A bank's own copy of jQuery: the bytes are listed, the URL is not, one member holds it.
 * bindingVerdict({ urlListed: false, holders: 1 }, { minLanPeers: 3, requirePopular: true }).allowed // false
 * ```
 */
export function bindingVerdict(binding: BindingPopularity, settings: Pick<PrivacyGateInput, 'minLanPeers' | 'requirePopular'>, site?: string): PrivacyGateVerdict {
  const verdict = crossSiteVerdict({ onList: binding.urlListed, lanPeers: binding.holders, ...settings });
  // A group member loaded this URL on a page of `site`: answering `site`'s page tells `site`
  // only that someone of this LAN loaded it from `site`, which `site`'s own server saw when
  // that member's request arrived (from this LAN's address). No other site learns anything, so
  // the office's second visit to a site is served from the first one's download (issue 12).
  if (!verdict.allowed && site !== undefined && site !== '' && binding.sites?.includes(site)) return { allowed: true, reason: 'same-site' };
  return verdict;
}
