import { policyInForce, type MergedSettings } from '../../core/settings/index.ts';
import { SECRET_SETTINGS } from '../secrets/secret-settings.ts';

/** Where the policy last seen is kept (platform/settings-storage.ts: `rememberedPolicy`). */
export interface PolicyMemoryState {
  read(): Promise<Record<string, unknown> | undefined>;
  write(policy: Record<string, unknown>): Promise<void>;
}

/**
 * Remembers the policy in force each time the background's settings change, for the options page
 * and popup of a later start: Chromium answers `storage.managed` only 2-4 s after every browser
 * start, and until then those pages show the locks remembered here, every field disabled
 * (options/settings-view.ts). No policy is remembered as `{}` (nothing locked last time), which
 * differs from nothing remembered (a fresh profile: the pages wait for the real policy). Written
 * only when it changed, so a start with the same policy writes nothing.
 *
 * A secret setting the policy sets (the group key) is remembered locked but empty: this lands in
 * `storage.local`, which Firefox's content scripts can read (issue 10, item 5; secrets/). The
 * pages show its field locked at once, and its value once the browser answers `storage.managed`.
 */
export function createPolicyMemory(state: PolicyMemoryState): (settings: MergedSettings) => Promise<void> {
  return async (settings) => {
    const policy = Object.fromEntries(Object.entries(policyInForce(settings)).map(([n, v]) => [n, SECRET_SETTINGS.includes(n) ? '' : v]));
    if (JSON.stringify(await state.read()) !== JSON.stringify(policy)) await state.write(policy);
  };
}
