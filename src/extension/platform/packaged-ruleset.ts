/**
 * The packaged set's static ruleset and the dynamic rules that keep it within the settings
 * (serving/dnr/site-exclusion.ts), in both browsers: Chromium and Firefox MV3 both read
 * `declarative_net_request.rule_resources` and keep dynamic rules across restarts.
 */
import { PACKAGED_RULESET_ID } from '../serving/dnr/packaged-rules.ts';
import { SITE_EXCLUSION_RULE_IDS, sameSiteRules } from '../serving/dnr/site-exclusion.ts';
import type { DnrRule } from '../serving/dnr/types.ts';
import { browser } from './browser.ts';
import type { DeclarativeNetRequest } from 'webextension-polyfill';

/**
 * Turns the static ruleset on or off and replaces the site rules, in that order; what is already
 * in force is left alone (the background does this at every start, often for a page's request).
 */
export async function applyPackagedRules(state: { rulesetEnabled: boolean; rules: DnrRule[] }): Promise<void> {
  const dnr = browser.declarativeNetRequest;
  const ids: number[] = Object.values(SITE_EXCLUSION_RULE_IDS);
  const inForce = (await dnr.getDynamicRules()).filter((r) => ids.includes(r.id));
  // Site rules first: a site the user just blocked must not be served while the ruleset turns on.
  if (!sameSiteRules(inForce as DnrRule[], state.rules)) {
    await dnr.updateDynamicRules({ removeRuleIds: ids, addRules: state.rules as DeclarativeNetRequest.Rule[] });
  }
  const enabled = await dnr.getEnabledRulesets();
  if (state.rulesetEnabled !== enabled.includes(PACKAGED_RULESET_ID)) {
    await dnr.updateEnabledRulesets(state.rulesetEnabled ? { enableRulesetIds: [PACKAGED_RULESET_ID] } : { disableRulesetIds: [PACKAGED_RULESET_ID] });
  }
}
