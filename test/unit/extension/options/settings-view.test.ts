import { describe, expect, it } from 'vitest';
import { createSettingsService } from '../../../../src/extension/background/settings-service.ts';
import { toView } from '../../../../src/extension/messages.ts';
import { readSettingsView } from '../../../../src/extension/options/settings-view.ts';
import type { SettingsStorage } from '../../../../src/extension/platform/settings-storage.ts';

const storageOf = (policy: unknown, user: unknown): SettingsStorage => ({
  readManaged: async () => policy,
  readUser: async () => user,
  writeUser: async () => undefined,
  onChange: () => undefined,
});

describe("the options page's own read of the settings", () => {
  it('shows policy values locked over the user options, as the background would answer', async () => {
    const storage = storageOf({ sharingMode: 'off', maxCacheMB: 64, enabled: true, minLanPeers: 'many' }, { maxCacheMB: 300, blockedSites: ['bank.example'] });
    const view = await readSettingsView(storage);
    expect(view.locked).toEqual(expect.arrayContaining(['sharingMode', 'maxCacheMB', 'enabled']));
    expect(view.locked).not.toContain('minLanPeers');
    expect(view.values).toMatchObject({ sharingMode: 'off', maxCacheMB: 64, blockedSites: ['bank.example'] });
    expect(view.problems).toEqual([expect.objectContaining({ source: 'policy', name: 'minLanPeers' })]);
    // The page and the background never disagree on what is locked or in force.
    expect(view).toEqual(toView(await createSettingsService({ storage }).current()));
  });

  it('with no policy: the defaults and the user options, nothing locked', async () => {
    const view = await readSettingsView(storageOf(undefined, { enabled: false }));
    expect(view.locked).toEqual([]);
    expect(view.values.enabled).toBe(false);
  });
});
