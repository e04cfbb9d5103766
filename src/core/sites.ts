/**
 * Site patterns for `blockedSites` / `allowedSites`: a host name (`bank.example`) matches that
 * host and all its subdomains; `*.corp.example` matches only subdomains. Compared lower-case.
 */

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Normalises one pattern, or returns a reason why it is not one. */
export function normalizeSitePattern(text: string): string | { error: string } {
  let p = text.trim().toLowerCase();
  if (p.endsWith('.')) p = p.slice(0, -1);
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(p)) return { error: `"${text}" is a URL; write just the host name, e.g. example.com` };
  const host = p.startsWith('*.') ? p.slice(2) : p;
  if (host.length === 0 || host.length > 253) return { error: `"${text}" is not a host name` };
  if (!host.split('.').every((l) => LABEL.test(l))) return { error: `"${text}" is not a host name (letters, digits, "-" and "." only; "*." only at the start)` };
  return p;
}

/** True when `host` is covered by any of the (normalised) patterns. */
export function hostMatches(host: string, patterns: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return patterns.some((p) => {
    if (p.startsWith('*.')) return h.endsWith(p.slice(1));
    return h === p || h.endsWith(`.${p}`);
  });
}

/**
 * Whether PeerCache may act on pages of `host` under the two lists: blocked wins; a non-empty
 * allow list admits only its sites.
 */
export function siteAllowed(host: string, lists: { blockedSites: readonly string[]; allowedSites: readonly string[] }): boolean {
  if (hostMatches(host, lists.blockedSites)) return false;
  return lists.allowedSites.length === 0 || hostMatches(host, lists.allowedSites);
}

