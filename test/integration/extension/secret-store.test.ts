/**
 * The secret store (issue 10, item 5) on a real IndexedDB implementation (fake-indexeddb): what
 * one context writes, a context opened later (a restarted background, the options page) reads.
 */
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createUserSettingsStore, type LocalArea } from '../../../src/extension/secrets/secret-settings.ts';
import { openSecretStore } from '../../../src/extension/secrets/secret-store.ts';

describe('secret store in IndexedDB', () => {
  it('keeps values across connections and forgets deleted ones', async () => {
    const factory = new IDBFactory();
    const background = openSecretStore(factory);
    await background.set('groupKey', 'ab'.repeat(32));
    await background.set('peerIdentity', 'A'.repeat(43));
    const later = openSecretStore(factory);
    expect(await later.get('groupKey')).toBe('ab'.repeat(32));
    expect(await later.get('peerIdentity')).toBe('A'.repeat(43));
    await later.delete('groupKey');
    expect(await background.get('groupKey')).toBeUndefined();
    expect(await openSecretStore(factory).get('nothing')).toBeUndefined();
  });

  it('does not hold up a deletion of its database by another context', async () => {
    const factory = new IDBFactory();
    const store = openSecretStore(factory, 'secrets-test');
    await store.set('groupKey', 'x');
    await new Promise<void>((resolve, reject) => {
      const req = factory.deleteDatabase('secrets-test');
      req.onsuccess = () => resolve();
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error('blocked by an open connection'));
    });
    // The next use opens a new, empty database.
    expect(await store.get('groupKey')).toBeUndefined();
  });

  it('moves a group key from storage.local into it, as a background start after the upgrade does', async () => {
    const data: Record<string, unknown> = { userSettings: { groupKey: 'ab'.repeat(32), enabled: false } };
    const local: LocalArea = {
      get: async (keys) => Object.fromEntries(keys.filter((k) => k in data).map((k) => [k, data[k]])),
      set: async (items) => void Object.assign(data, items),
      remove: async (keys) => keys.forEach((k) => delete data[k]),
    };
    const factory = new IDBFactory();
    await createUserSettingsStore({ local, secrets: openSecretStore(factory) }).migrate();
    expect(data.userSettings).toEqual({ enabled: false });
    // The options page, its own connection: the same options as before the move.
    expect(await createUserSettingsStore({ local, secrets: openSecretStore(factory) }).readUser()).toEqual({ groupKey: 'ab'.repeat(32), enabled: false });
  });
});
