/**
 * Chromium declarativeNetRequest, session rules: they vanish with the browser session, which
 * suits payloads rebuilt from IndexedDB, and update 3-4x faster than dynamic rules when
 * megabytes of `data:` URLs are loaded (platform-notes.md).
 */
import type { DnrRule } from '../../serving/dnr/types.ts';

/** Adds and removes rules in ONE call: each update costs more as the payload grows. */
export async function updateSessionRules(update: { addRules?: DnrRule[]; removeRuleIds?: number[] }): Promise<void> {
  if (!update.addRules?.length && !update.removeRuleIds?.length) return;
  // Our plain mirror of the rule type has the same shape as Chrome's (string unions for its enums).
  await chrome.declarativeNetRequest.updateSessionRules(update as chrome.declarativeNetRequest.UpdateRuleOptions);
}
