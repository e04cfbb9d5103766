import type { MergedSettings } from './merge.ts';

/**
 * The part of a policy that took effect, as a policy object: each locked setting with its value
 * (invalid policy values, which lock nothing, left out). Merged again over the same user options
 * it locks exactly the settings `m` locked, at their values. The background keeps it so that a
 * page opened before the browser answers the real policy (Chromium: 2-4 s after every start)
 * can show the locks last seen (extension/options/settings-view.ts).
 */
export function policyInForce(m: MergedSettings): Record<string, unknown> {
  return Object.fromEntries(m.locked.map((name) => [name, m.values[name]]));
}
