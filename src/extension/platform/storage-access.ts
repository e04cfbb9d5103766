/**
 * Who may read the extension's `storage.local`: by default every extension context, content
 * scripts included, which run in the process of any web page. It holds only a token marking each
 * change of the user's options, which a content script does not need (it only sends its page
 * report). The options themselves, the secrets (the group key, the LAN identity seed) and the
 * background's lasting state (the sites' CSP history, the pinned LAN node ids, the paused sites,
 * the policy last seen: platform/local-state.ts) live in the extension's own IndexedDB
 * (secrets/secret-store.ts), which a content script's `indexedDB` (the page's) does not reach.
 *
 * Chromium takes `setAccessLevel({ accessLevel: 'TRUSTED_CONTEXTS' })` on `storage.local` and
 * `storage.managed` (restrictStorage) and then refuses both to content scripts (checked in the
 * real browser: test/e2e/storage-access.test.ts).
 * Firefox ESR 153 has no `setAccessLevel` at all, on `storage.local` or `storage.session`
 * (measured in an extension page: the method is undefined, bug 1724754), and a content script's
 * `storage.local.get(null)` returns every key, which is why nothing but the token is kept there
 * (SECURITY.md). Its `storage.session` is not exposed to content scripts at all (measured:
 * undefined in their world).
 */
export type StorageAccess = 'extension-only' | 'unsupported' | `failed: ${string}`;

interface AreaWithAccessLevel {
  setAccessLevel?: (options: { accessLevel: 'TRUSTED_CONTEXTS' }) => Promise<void>;
}

/** The areas closed to content scripts where the browser can: none of them needs either. */
const RESTRICTED_AREAS = ['local', 'managed'] as const;
type RestrictedArea = (typeof RESTRICTED_AREAS)[number];

/**
 * Restricts `storage.local` and `storage.managed` to the extension's own pages and background,
 * where the browser can. `managed` holds the organisation's policy, a group key among it:
 * measured in Chromium 156 and Firefox ESR 153, a content script's world of a page read the
 * policy's group key from `storage.managed.get()`; Chromium refuses it after
 * `storage.managed.setAccessLevel`, Firefox has no such method (test/e2e/storage-access.test.ts).
 */
export async function restrictStorage(): Promise<Record<RestrictedArea, StorageAccess>> {
  // The browser's own objects, not the polyfill's wrappers (which do not forward this method).
  const storage = (globalThis as { chrome?: { storage?: Partial<Record<RestrictedArea, AreaWithAccessLevel>> } }).chrome?.storage;
  const entries = await Promise.all(RESTRICTED_AREAS.map(async (name) => [name, await restrict(storage?.[name])] as const));
  return Object.fromEntries(entries) as Record<RestrictedArea, StorageAccess>;
}

async function restrict(area: AreaWithAccessLevel | undefined): Promise<StorageAccess> {
  // Firefox ESR 153 lacks the method on every area: 'unsupported'.
  if (typeof area?.setAccessLevel !== 'function') return 'unsupported';
  try {
    await area.setAccessLevel({ accessLevel: 'TRUSTED_CONTEXTS' });
    return 'extension-only';
  } catch (e) {
    // A browser that has the method but refuses it for this area.
    return `failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}
