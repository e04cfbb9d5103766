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
