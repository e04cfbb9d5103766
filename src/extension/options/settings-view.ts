import { mergeSettings } from '../../core/settings/index.ts';
import { toView, type SettingsView } from '../messages.ts';
import type { SettingsStorage } from '../platform/settings-storage.ts';

/**
 * The effective settings and locks, read by the page itself from policy and the user's options
 * and merged as the background merges them (core/settings/merge.ts), so the options page and
 * popup show locks without waiting for the background (issue 11, start-up: a fresh start took
 * 2.8 s to show them, and the fields looked editable meanwhile). Changes still go through the
 * background, which validates them and refuses locked ones.
 */
export async function readSettingsView(storage: Pick<SettingsStorage, 'readManaged' | 'readUser'>): Promise<SettingsView> {
  const [policy, user] = await Promise.all([storage.readManaged(), storage.readUser()]);
  return toView(mergeSettings({ policy, user }));
}

/** Where a page reads its settings: the real storages, and the policy the background last saw. */
export interface SettingsSource extends Pick<SettingsStorage, 'readManaged' | 'readUser'> {
  /** The policy in force when the background last read it (core/settings/policy-in-force.ts), if ever. */
  readRemembered(): Promise<Record<string, unknown> | undefined>;
}

/**
 * How long the page gives the browser to answer `storage.managed` before it shows the remembered
 * policy instead. Once Chromium's policy service is ready, the read answers in a few
 * milliseconds; without this, a page opened then could flash its remembered view (every field
 * disabled) for the moment the two reads race.
 */
export const POLICY_GRACE_MS = 50;

/**
 * Shows the settings as soon as something true enough is known. Chromium answers
 * `storage.managed` only once its policy service has loaded the extensions' policy, 2-4 s after
 * every browser start (docs/ARCHITECTURE.md, start-up); `storage.local` answers in milliseconds.
 * So when the real policy has not answered within `graceMs`, the policy the background last saw,
 * merged over the user's options, is shown with `confirmed` false: the page shows those locks but
 * must keep every field disabled (an admin may have locked more since). Then the real settings,
 * confirmed. Never remembered (a fresh profile): only the real ones. Resolves with the real view,
 * as soon as it is shown.
 */
export async function showSettingsView(source: SettingsSource, show: (view: SettingsView, confirmed: boolean) => void, graceMs = POLICY_GRACE_MS): Promise<SettingsView> {
  const user = source.readUser();
  let answered = false;
  const managed = source.readManaged().finally(() => (answered = true));
  const grace = new Promise((resolve) => setTimeout(resolve, graceMs));
  void Promise.all([source.readRemembered(), user, grace]).then(
    ([policy, u]) => {
      const isObject = typeof policy === 'object' && policy !== null && !Array.isArray(policy);
      if (!answered && isObject) show(toView(mergeSettings({ policy, user: u })), false);
    },
    () => undefined, // nothing remembered to show; the real read decides
  );
  const [policy, u] = await Promise.all([managed, user]);
  const view = toView(mergeSettings({ policy, user: u }));
  show(view, true);
  return view;
}
