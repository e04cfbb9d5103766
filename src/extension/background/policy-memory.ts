import { policyInForce, type MergedSettings } from '../../core/settings/index.ts';

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
 */
export function createPolicyMemory(state: PolicyMemoryState): (settings: MergedSettings) => Promise<void> {
  return async (settings) => {
    const policy = policyInForce(settings);
    if (JSON.stringify(await state.read()) !== JSON.stringify(policy)) await state.write(policy);
  };
}
