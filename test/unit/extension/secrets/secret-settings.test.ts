/**
 * Issue 10, item 5: the group key and the LAN identity leave storage.local (which Firefox's
 * content scripts can read) for the secret store; nothing may be lost on the way.
 */
import { describe, expect, it } from 'vitest';
import { createSettingsService } from '../../../../src/extension/background/settings-service.ts';
import type { SettingsStorage } from '../../../../src/extension/platform/settings-storage.ts';
import { createUserSettingsStore, movedSecret, SECRET_SETTINGS, type LocalArea } from '../../../../src/extension/secrets/secret-settings.ts';
import type { SecretStore } from '../../../../src/extension/secrets/secret-store.ts';

const KEY = 'ab'.repeat(32);
const SEED = 'A'.repeat(43);

/** storage.local as a plain object, counting the change events a write would cause. */
function memoryLocal(initial: Record<string, unknown> = {}) {
  const data: Record<string, unknown> = structuredClone(initial);
  const area: LocalArea = {
    get: async (keys) => Object.fromEntries(keys.filter((k) => k in data).map((k) => [k, structuredClone(data[k])])),
    set: async (items) => void Object.assign(data, structuredClone(items)),
    remove: async (keys) => keys.forEach((k) => delete data[k]),
  };
  return { data, area };
}

/** The secret store as a Map; `fail` makes writes throw, `garble` makes them store other bytes. */
function memorySecrets(opts: { fail?: boolean; garble?: boolean } = {}) {
  const data = new Map<string, unknown>();
  const store: SecretStore = {
    get: async (k) => data.get(k),
    set: async (k, v) => {
      if (opts.fail) throw new Error('QuotaExceededError');
      data.set(k, opts.garble ? `${String(v)}x` : v);
    },
    delete: async (k) => void data.delete(k),
  };
  return { data, store };
}

describe('the user settings store with its secrets apart', () => {
  it('treats the group key as the one secret setting', () => {
    expect(SECRET_SETTINGS).toEqual(['groupKey']);
  });

  it('moves a group key from storage.local into the secret store, and the options read the same', async () => {
    const local = memoryLocal({ userSettings: { groupKey: KEY, maxCacheMB: 300 } });
    const secrets = memorySecrets();
    const user = createUserSettingsStore({ local: local.area, secrets: secrets.store });
    expect(await user.migrate()).toEqual(['groupKey']);
    expect(local.data.userSettings).toEqual({ maxCacheMB: 300 });
    expect(secrets.data.get('groupKey')).toBe(KEY);
    expect(await user.readUser()).toEqual({ maxCacheMB: 300, groupKey: KEY });
    // A second start has nothing left to move.
    expect(await user.migrate()).toEqual([]);
  });

  it('leaves the key in storage.local when the store refuses the write, and still reads it', async () => {
    const local = memoryLocal({ userSettings: { groupKey: KEY } });
    const user = createUserSettingsStore({ local: local.area, secrets: memorySecrets({ fail: true }).store });
    await expect(user.migrate()).rejects.toThrow('QuotaExceededError');
    expect(local.data.userSettings).toEqual({ groupKey: KEY });
    expect(await user.readUser()).toEqual({ groupKey: KEY });
  });

  it('leaves the key in storage.local when the store reads back something else', async () => {
    const local = memoryLocal({ userSettings: { groupKey: KEY } });
    const user = createUserSettingsStore({ local: local.area, secrets: memorySecrets({ garble: true }).store });
    await expect(user.migrate()).rejects.toThrow(/reads back different/);
    expect(local.data.userSettings).toEqual({ groupKey: KEY });
  });

  it('keeps a key the store already holds over an older copy left in storage.local', async () => {
    const local = memoryLocal({ userSettings: { groupKey: KEY } });
    const secrets = memorySecrets();
    secrets.data.set('groupKey', 'cd'.repeat(32));
    const user = createUserSettingsStore({ local: local.area, secrets: secrets.store });
    expect(await user.readUser()).toEqual({ groupKey: 'cd'.repeat(32) });
    await user.migrate();
    expect(local.data.userSettings).toEqual({});
    expect(secrets.data.get('groupKey')).toBe('cd'.repeat(32));
  });

  it('never writes a key to storage.local, and marks each change of a secret there', async () => {
    const local = memoryLocal();
    const secrets = memorySecrets();
    let n = 0;
    const user = createUserSettingsStore({ local: local.area, secrets: secrets.store, token: () => `t${++n}` });
    await user.writeUser({ groupKey: KEY, enabled: false });
    expect(local.data).toEqual({ userSettings: { enabled: false }, userSecretsChanged: 't1' });
    // Another option: the secret is unchanged, no new token (no needless change event).
    await user.writeUser({ groupKey: KEY, enabled: true });
    expect(local.data).toEqual({ userSettings: { enabled: true }, userSecretsChanged: 't1' });
    // The key alone changes: the token does, so open pages hear it.
    await user.writeUser({ groupKey: '', enabled: true });
    expect(local.data.userSecretsChanged).toBe('t2');
    expect(await user.readUser()).toEqual({ groupKey: '', enabled: true });
    // Options without the key remove it from the store.
    await user.writeUser({ enabled: true });
    expect(secrets.data.has('groupKey')).toBe(false);
    expect(await user.readUser()).toEqual({ enabled: true });
  });

  it('keeps every option out of storage.local when told to, moves an old version\'s, and marks each change', async () => {
    // An earlier version's options, all in storage.local.
    const local = memoryLocal({ userSettings: { groupKey: KEY, enabled: false, lanNodes: ['/ip4/10.0.0.5/tcp/4002/ws'] } });
    const secrets = memorySecrets();
    let n = 0;
    const user = createUserSettingsStore({ local: local.area, secrets: secrets.store, names: ['groupKey', 'enabled', 'lanNodes'], token: () => `t${++n}` });
    expect(await user.migrate()).toEqual(['groupKey', 'enabled', 'lanNodes']);
    expect(local.data).toEqual({ userSettings: {} });
    expect(await user.readUser()).toEqual({ groupKey: KEY, enabled: false, lanNodes: ['/ip4/10.0.0.5/tcp/4002/ws'] });
    // A change of a plain option is heard through the token alone.
    await user.writeUser({ groupKey: KEY, enabled: true, lanNodes: [] });
    expect(local.data).toEqual({ userSettings: {}, userSecretsChanged: 't1' });
    expect(await user.readUser()).toEqual({ groupKey: KEY, enabled: true, lanNodes: [] });
    // Writing the same options again changes nothing, so no page hears a change.
    await user.writeUser({ groupKey: KEY, enabled: true, lanNodes: [] });
    expect(local.data.userSecretsChanged).toBe('t1');
  });

  it('reads nothing as nothing: no options stored gives undefined', async () => {
    const user = createUserSettingsStore({ local: memoryLocal().area, secrets: memorySecrets().store });
    expect(await user.readUser()).toBeUndefined();
  });
});

describe('the settings service over that store', () => {
  const storageOver = (local: LocalArea, secrets: SecretStore): SettingsStorage => ({ readManaged: async () => undefined, ...createUserSettingsStore({ local, secrets }), onChange: () => {} });

  it('moves the key at its first read, before anything is written, and shows the same settings', async () => {
    const local = memoryLocal({ userSettings: { groupKey: KEY, lanNodes: ['/ip4/192.168.1.2/tcp/4002/ws'] } });
    const secrets = memorySecrets();
    const lines: string[] = [];
    const service = createSettingsService({ storage: storageOver(local.area, secrets.store), log: (l) => lines.push(l) });
    // A change asked for at once waits for the move: the key is neither lost nor copied back.
    const [first, change] = await Promise.all([service.current(), service.set('maxCacheMB', 200)]);
    expect(first.values.groupKey).toBe(KEY);
    expect(change.ok && change.settings.values.groupKey).toBe(KEY);
    expect(local.data.userSettings).toEqual({ lanNodes: ['/ip4/192.168.1.2/tcp/4002/ws'], maxCacheMB: 200 });
    expect(secrets.data.get('groupKey')).toBe(KEY);
    expect(lines).toEqual(['settings: groupKey moved out of storage.local']);
  });

  it('keeps working with the key where it was when the move fails, and moves it at the next start', async () => {
    const local = memoryLocal({ userSettings: { groupKey: KEY } });
    const lines: string[] = [];
    const broken = createSettingsService({ storage: storageOver(local.area, memorySecrets({ fail: true }).store), log: (l) => lines.push(l) });
    expect((await broken.current()).values.groupKey).toBe(KEY);
    expect(local.data.userSettings).toEqual({ groupKey: KEY });
    expect(lines[0]).toMatch(/secrets stay in storage.local for now/);

    const secrets = memorySecrets();
    const next = createSettingsService({ storage: storageOver(local.area, secrets.store) });
    expect((await next.current()).values.groupKey).toBe(KEY);
    expect(local.data.userSettings).toEqual({});
    expect(secrets.data.get('groupKey')).toBe(KEY);
  });
});

describe('the LAN identity moved out of storage.local', () => {
  it('moves the seed at its first read and removes the old key', async () => {
    const local = memoryLocal({ peerIdentity: SEED, lanNodePins: { a: 'b' } });
    const secrets = memorySecrets();
    const slot = movedSecret<string>({ local: local.area, secrets: secrets.store, name: 'peerIdentity' });
    expect(await slot.read()).toBe(SEED);
    expect(local.data).toEqual({ lanNodePins: { a: 'b' } });
    expect(secrets.data.get('peerIdentity')).toBe(SEED);
    expect(await slot.read()).toBe(SEED);
  });

  it('still returns the old seed and keeps it when the store fails, so the member stays the same', async () => {
    const local = memoryLocal({ peerIdentity: SEED });
    const lines: string[] = [];
    const slot = movedSecret<string>({ local: local.area, secrets: memorySecrets({ garble: true }).store, name: 'peerIdentity', log: (l) => lines.push(l) });
    expect(await slot.read()).toBe(SEED);
    expect(local.data.peerIdentity).toBe(SEED);
    expect(lines[0]).toMatch(/peerIdentity stays in storage.local/);
  });

  it('writes a new seed to the store only', async () => {
    const local = memoryLocal();
    const secrets = memorySecrets();
    const slot = movedSecret<string>({ local: local.area, secrets: secrets.store, name: 'peerIdentity' });
    expect(await slot.read()).toBeUndefined();
    await slot.write(SEED);
    expect(local.data).toEqual({});
    expect(await slot.read()).toBe(SEED);
  });
});
