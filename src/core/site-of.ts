// Apart from sites.ts: the suffix list is large (~150 KiB of the bundle), and only learning
// needs it; the options page and popup import sites.ts for site patterns.
import { getDomain } from 'tldts-icann';

/**
 * The site `host` belongs to, for budgets a site must not escape by spreading over subdomains:
 * its registrable domain by the ICANN part of the public suffix list (a1.junk.example and
 * a2.junk.example are junk.example; example.co.uk is one site, co.uk none). Suffixes that
 * companies hand out (github.io and the like, the list's private part) are not counted as
 * public: an attacker could make free sites under them, so their sites share one budget. A
 * host with no registrable domain (an IP address, a single label) is its own site.
 */
export function siteOf(host: string): string {
  return getDomain(host) ?? host;
}
