/**
 * What keeps the packaged set's STATIC rules (packaged-rules.ts) within the settings: a static
 * ruleset cannot change, so the settings act on it from outside (issue 9). Pure; the platform
 * layer applies the result as DYNAMIC rules, which persist across restarts and so, like the
 * static ones, exist before a page loads.
 * - `enabled` or `cacheEnabled` off: the whole ruleset is disabled.
 * - Sites PeerCache must not act on (blocked, paused in the popup, or outside a non-empty
 *   `allowedSites`): `allow` rules above every packaged redirect, by the page's domain.
 * DNR's `initiatorDomains` match a domain and its subdomains, so the patterns are widened where
 * DNR cannot say them exactly, always towards NOT serving: blocking `*.corp.example` also keeps
 * `corp.example` itself on the network, and an allowed `*.corp.example` serves nothing.
 */
import type { Settings } from '../../../core/settings/index.ts';
import { SITE_EXCLUSION_PRIORITY } from './packaged-rules.ts';
import type { DnrResourceType, DnrRule } from './types.ts';

/** The dynamic rule ids this module owns. */
export const SITE_EXCLUSION_RULE_IDS = Object.freeze({ excluded: 1, notAllowed: 2 });

const TYPES: DnrResourceType[] = ['script', 'stylesheet', 'font', 'image'];

/** Whether the packaged ruleset is on, and the rules that keep it off some sites. */
export function packagedSiteRules(
  settings: Pick<Settings, 'enabled' | 'cacheEnabled' | 'blockedSites' | 'allowedSites'>,
  pausedSites: readonly string[],
): { rulesetEnabled: boolean; rules: DnrRule[] } {
  const rules: DnrRule[] = [];
  const excluded = domains([...settings.blockedSites, ...pausedSites]);
  if (excluded.length > 0) {
    rules.push({ id: SITE_EXCLUSION_RULE_IDS.excluded, priority: SITE_EXCLUSION_PRIORITY, action: { type: 'allow' }, condition: { resourceTypes: TYPES, initiatorDomains: excluded } });
  }
  if (settings.allowedSites.length > 0) {
    // Only exact host patterns can be allowed; with none, no page is served.
    const allowed = domains(settings.allowedSites.filter((p) => !p.startsWith('*.')));
    rules.push({
      id: SITE_EXCLUSION_RULE_IDS.notAllowed,
      priority: SITE_EXCLUSION_PRIORITY,
      action: { type: 'allow' },
      condition: { resourceTypes: TYPES, ...(allowed.length > 0 ? { excludedInitiatorDomains: allowed } : {}) },
    });
  }
  return { rulesetEnabled: settings.enabled && settings.cacheEnabled, rules };
}

function domains(patterns: readonly string[]): string[] {
  return [...new Set(patterns.map((p) => (p.startsWith('*.') ? p.slice(2) : p).toLowerCase()))].sort();
}

/**
 * Whether the site rules in force (the browser's copy of the dynamic rules with
 * {@link SITE_EXCLUSION_RULE_IDS}) already say what `wanted` says, so the background, started
 * again for a page's request, need not write them again: a write re-indexes the extension's
 * dynamic rules while that page loads. The browser's copy may order keys differently and name
 * fields we leave out (empty, false or null); anything else that differs is a difference.
 */
export function sameSiteRules(inForce: readonly DnrRule[], wanted: readonly DnrRule[]): boolean {
  if (inForce.length !== wanted.length) return false;
  const byId = new Map(inForce.map((r) => [r.id, r]));
  return wanted.every((w) => {
    const r = byId.get(w.id);
    return r !== undefined && r.priority === w.priority && canonical(r.action) === canonical(w.action) && canonical(r.condition) === canonical(w.condition);
  });
}

/** JSON with sorted keys and without the fields a browser may fill in as "none". */
const canonical = (o: object): string =>
  JSON.stringify(o, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([, x]) => x !== null && x !== undefined && x !== false && !(Array.isArray(x) && x.length === 0))
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
