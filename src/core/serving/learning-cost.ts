/**
 * When Chromium may download a file again to learn it (issue 9, item 4: learning never costs
 * more than it saves). Chromium cannot read a page's response, so learning a file from the
 * origin costs one more download of it; Firefox copies the body as it passes, at no cost.
 *
 * Decided from the first-visit benchmark (bench/first-visit.bench.ts) and the engines' facts:
 * - a packaged file never: its URLs never reach the network, and the extension holds it;
 * - a file that could never be answered (not listed, not popular and no LAN): never;
 * - with LAN sharing, the download pays back across the office (a colleague's first visit is
 *   answered from it), so one sighting is enough; peers are asked before the origin anyway;
 * - a file this browser's engine can never answer (Chromium: sent without
 *   `Access-Control-Allow-Origin: *`, which every rule needs; core/serving/privacy-gate.ts and
 *   serving/dnr/rules.ts) never: its download would pay back only through colleagues whose engine
 *   could answer it, on their views after their first, when that first view had brought them
 *   the file anyway. Measured in the office simulation: such files (sites' own images, bundles,
 *   stylesheets) were 11.7 of 76.4 MB of WAN at N=10. Read free from the page's cache (same
 *   origin), it is still learned;
 * - otherwise only once a second site of this browser loaded the same URL: a URL one site uses
 *   is most often that site's alone (nothing to save), while one that two sites load is shared
 *   by this user's browsing. The download then costs one file for every site after the second
 *   that is answered from the cache: it pays back from the fourth (Chromium answers a site
 *   from its second view, once its CSP is known).
 */

/** What is known of a URL when a page's response to it was observed. */
export interface LearningFacts {
  /** The URL's bytes ship with the extension. */
  readonly packaged: boolean;
  /** It could ever be answered cross-site (listed, or LAN-popular, or `requirePopular` off). */
  readonly servable: boolean;
  /** LAN sharing is configured (a LAN node and `sharingMode` lan). */
  readonly lanSharing: boolean;
  /** Distinct top-level sites of this browser that loaded this URL, this one included. */
  readonly sites: number;
  /** This browser's engine could answer the URL once it holds the bytes (default true). */
  readonly answerableHere?: boolean;
}

/** Why a file is or is not downloaded again. */
export type LearningVerdict = 'packaged' | 'never-served' | 'not-answerable-here' | 'for-the-lan' | 'shared-by-two-sites' | 'one-site-so-far';

/** Whether to download the file again, and why. */
export function learningVerdict(facts: LearningFacts): { download: boolean; reason: LearningVerdict } {
  if (facts.packaged) return { download: false, reason: 'packaged' };
  if (!facts.servable) return { download: false, reason: 'never-served' };
  if (facts.answerableHere === false) return { download: false, reason: 'not-answerable-here' };
  if (facts.lanSharing) return { download: true, reason: 'for-the-lan' };
  if (facts.sites >= 2) return { download: true, reason: 'shared-by-two-sites' };
  return { download: false, reason: 'one-site-so-far' };
}

/**
 * Which sites loaded which URL, bounded: at most `maxUrls` URLs, the least recently seen
 * forgotten first, and two sites per URL (all the decision needs). Serializable, so a
 * restarted service worker keeps what it saw.
 */
export interface Sightings {
  /** Records that `site` loaded `url`; returns how many distinct sites have (at most 2). */
  record(url: string, site: string): number;
  toJSON(): Record<string, string[]>;
}

export function createSightings(maxUrls: number, initial: unknown = {}): Sightings {
  const seen = new Map<string, string[]>();
  if (typeof initial === 'object' && initial !== null) {
    for (const [url, sites] of Object.entries(initial)) {
      if (Array.isArray(sites) && sites.every((s) => typeof s === 'string')) seen.set(url, sites.slice(0, 2));
    }
  }
  return {
    record(url, site) {
      const sites = seen.get(url) ?? [];
      seen.delete(url); // re-inserted last: Map order is the recency order
      if (!sites.includes(site) && sites.length < 2) sites.push(site);
      seen.set(url, sites);
      while (seen.size > maxUrls) seen.delete(seen.keys().next().value as string);
      return sites.length;
    },
    toJSON: () => Object.fromEntries(seen),
  };
}
