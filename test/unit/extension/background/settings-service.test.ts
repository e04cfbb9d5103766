import { describe, expect, it } from 'vitest';
import { createSettingsService } from '../../../../src/extension/background/settings-service.ts';
import type { SettingsStorage } from '../../../../src/extension/platform/settings-storage.ts';

/** A plain in-memory storage; `fire` plays the browser's storage.onChanged. */
function memoryStorage(policy?: unknown, user?: unknown) {
  const state = { policy, user, writes: 0 };
  const listeners: (() => void)[] = [];
  const storage: SettingsStorage = {
    readManaged: async () => state.policy,
    readUser: async () => state.user,
    writeUser: async (u) => {
      await new Promise((r) => setTimeout(r, 5)); // a real write takes time; races show up
      state.user = u;
      state.writes++;
    },
    onChange: (l) => listeners.push(l),
  };
  return { storage, state, fire: () => listeners.forEach((l) => l()) };
}

describe('settings service', () => {
  it('loads policy over user options', async () => {
    const { storage } = memoryStorage({ maxCacheMB: 64 }, { maxCacheMB: 100, enabled: false });
    const s = await createSettingsService({ storage }).current();
    expect(s.values.maxCacheMB).toBe(64);
    expect(s.values.enabled).toBe(false);
    expect(s.locked).toEqual(['maxCacheMB']);
  });

  it('does not lose either of two quick changes', async () => {
    const { storage, state } = memoryStorage();
    const service = createSettingsService({ storage });
    const [a, b] = await Promise.all([service.set('maxCacheMB', 100), service.set('enabled', false)]);
    expect(a.ok && b.ok).toBe(true);
    expect(state.user).toEqual({ maxCacheMB: 100, enabled: false });
    expect((await service.current()).values).toMatchObject({ maxCacheMB: 100, enabled: false });
  });

  it('refuses a locked setting and writes nothing', async () => {
    const { storage, state } = memoryStorage({ sharingMode: 'off' });
    const r = await createSettingsService({ storage }).set('sharingMode', 'lan');
    expect(r.ok).toBe(false);
    expect(state.writes).toBe(0);
  });

  it('picks up a policy change on reload and tells subscribers', async () => {
    const { storage, state } = memoryStorage();
    const service = createSettingsService({ storage });
    const seen: number[] = [];
    service.subscribe((s) => seen.push(s.values.maxCacheMB));
    await service.current();
    state.policy = { maxCacheMB: 32 };
    await service.reload();
    expect((await service.current()).locked).toEqual(['maxCacheMB']);
    expect(seen).toEqual([512, 32]);
  });

  it('announces a change once: not again for the re-read of its own write, nor for the storage event it causes', async () => {
    const { storage, fire } = memoryStorage();
    const service = createSettingsService({ storage });
    const seen: number[] = [];
    service.subscribe((s) => seen.push(s.values.maxCacheMB));
    await service.current();
    expect(seen).toEqual([512]);
    await service.set('maxCacheMB', 100);
    // The browser's storage.onChanged for that write: the background reloads (background/index.ts).
    fire();
    await service.reload();
    expect(seen).toEqual([512, 100]);
    // A change that changes nothing (the default, written as the user's value) tells nobody either.
    await service.set('enabled', true);
    expect(seen).toEqual([512, 100]);
  });

  it('announces a policy locking a setting at the value it already had (the options page must lock the field)', async () => {
    const { storage, state } = memoryStorage(undefined, { maxCacheMB: 64 });
    const service = createSettingsService({ storage });
    const seen: string[][] = [];
    service.subscribe((s) => seen.push([...s.locked]));
    await service.current();
    state.policy = { maxCacheMB: 64 };
    await service.reload();
    await service.reload();
    expect(seen).toEqual([[], ['maxCacheMB']]);
  });

  it('logs ignored values so an admin can find them in the background console', async () => {
    const { storage } = memoryStorage({ maxCacheMB: -1 });
    const lines: string[] = [];
    await createSettingsService({ storage, log: (l) => lines.push(l) }).current();
    expect(lines).toEqual([expect.stringContaining('policy value for "maxCacheMB" ignored')]);
  });
});
