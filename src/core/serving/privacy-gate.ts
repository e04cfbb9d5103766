/**
 * The privacy gate (architecture.md, "Privacy"): a shared cache is what browsers removed to
 * stop history sniffing, and counting the sites that used an asset does not help because
 * the attacker is a site too. So an asset is answered cross-site only when it is popular at
 * population level: on the public hash list, or held by at least `minLanPeers` distinct LAN
 * peers; unless the admin turns `requirePopular` off.
 */
import { InvalidServingInputError } from './errors.ts';

/** What the gate needs to know about one asset and the settings. */
export interface PrivacyGateInput {
  /** On the public hash list shipped with the extension. */
  onList: boolean;
  /** Distinct LAN peers known to hold the asset. */
  lanPeers: number;
  /** The `minLanPeers` setting. */
  minLanPeers: number;
  /** The `requirePopular` setting. */
  requirePopular: boolean;
}

/** Why the gate decided as it did (for local stats and debugging). */
export type PrivacyGateReason = 'on-list' | 'lan-popular' | 'popularity-not-required' | 'not-popular';

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
