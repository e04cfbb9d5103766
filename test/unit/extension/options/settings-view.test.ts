import { describe, expect, it } from 'vitest';
import { createSettingsService } from '../../../../src/extension/background/settings-service.ts';
import { toView } from '../../../../src/extension/messages.ts';
import { readSettingsView, showSettingsView, type SettingsSource } from '../../../../src/extension/options/settings-view.ts';
import type { SettingsView } from '../../../../src/extension/messages.ts';
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

/** A source whose storage.managed answers only when `answerPolicy` is called, as Chromium's does 2-4 s into a start. */
function slowPolicySource(policy: unknown, remembered: unknown, user: unknown = {}) {
  let answerPolicy!: () => void;
  const managed = new Promise<unknown>((resolve) => (answerPolicy = () => resolve(policy)));
  const source: SettingsSource = { readManaged: () => managed, readUser: async () => user, readRemembered: async () => remembered as Record<string, unknown> | undefined };
  return { source, answerPolicy };
}

/** Runs showSettingsView; `shown` lists each call as [locked, confirmed], as it happens. */
function watch(source: SettingsSource, graceMs = 0) {
  const shown: [readonly string[], boolean][] = [];
  const done = showSettingsView(source, (view: SettingsView, confirmed) => shown.push([view.locked, confirmed]), graceMs);
  return { shown, done };
}
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('showing the settings before the browser answers the policy (issue 11, start-up)', () => {
  it('a later start: the locks last seen at once, unconfirmed, then the real ones, confirmed', async () => {
    const { source, answerPolicy } = slowPolicySource({ sharingMode: 'off', enabled: true }, { sharingMode: 'off', enabled: true });
    const { shown, done } = watch(source);
    await settle();
    expect(shown).toEqual([[['sharingMode', 'enabled'], false]]);
    answerPolicy();
    expect((await done).locked).toEqual(['sharingMode', 'enabled']);
    expect(shown).toEqual([
      [['sharingMode', 'enabled'], false],
      [['sharingMode', 'enabled'], true],
    ]);
  });

  it('an admin locked more since: the remembered view is never the confirmed one, the real lock follows', async () => {
    const { source, answerPolicy } = slowPolicySource({ sharingMode: 'off', maxCacheMB: 64 }, { sharingMode: 'off' });
    const { shown, done } = watch(source);
    await settle();
    answerPolicy();
    await done;
    expect(shown).toEqual([
      [['sharingMode'], false],
      [['sharingMode', 'maxCacheMB'], true],
    ]);
  });

  it('a fresh profile (nothing remembered): nothing until the real policy', async () => {
    const { source, answerPolicy } = slowPolicySource({ enabled: true }, undefined);
    const { shown, done } = watch(source);
    await settle();
    expect(shown).toEqual([]);
    answerPolicy();
    await done;
    expect(shown).toEqual([[['enabled'], true]]);
  });

  it('a remembered value that is not a policy object is not shown', async () => {
    const { source, answerPolicy } = slowPolicySource({ enabled: true }, ['enabled']);
    const { shown, done } = watch(source);
    await settle();
    answerPolicy();
    await done;
    expect(shown).toEqual([[['enabled'], true]]);
  });

  it('a policy that answers within the grace: no remembered view flashes before it', async () => {
    const { source, answerPolicy } = slowPolicySource({ enabled: true }, { enabled: true });
    const { shown, done } = watch(source, 30);
    await settle();
    answerPolicy();
    await done;
    await new Promise((r) => setTimeout(r, 50)); // past the grace: still nothing remembered shown
    expect(shown).toEqual([[['enabled'], true]]);
  });

  it('when the real policy answers first, the remembered one is never shown after it', async () => {
    let answerRemembered!: () => void;
    const remembered = new Promise<Record<string, unknown>>((resolve) => (answerRemembered = () => resolve({})));
    const { shown, done } = watch({ readManaged: async () => ({ enabled: true }), readUser: async () => ({}), readRemembered: () => remembered });
    await settle();
    answerRemembered();
    await done;
    await settle();
    expect(shown).toEqual([[['enabled'], true]]);
  });
});
