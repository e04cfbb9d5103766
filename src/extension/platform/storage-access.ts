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
 * then refuses it to content scripts (checked in the real browser: test/e2e/storage-access.test.ts).
 * Firefox ESR 153 has no `setAccessLevel` at all, on `storage.local` or `storage.session`
 * (measured in an extension page: the method is undefined, bug 1724754), and a content script's
 * `storage.local.get(null)` returns every key, which is why nothing but the token is kept there
 * (SECURITY.md). Its `storage.session` is not exposed to content
 * scripts at all (measured: undefined in their world).
 */
export type StorageAccess = 'extension-only' | 'unsupported' | `failed: ${string}`;

interface AreaWithAccessLevel {
  setAccessLevel?: (options: { accessLevel: 'TRUSTED_CONTEXTS' }) => Promise<void>;
}

/** Restricts `storage.local` to the extension's own pages and background, where the browser can. */
export async function restrictLocalStorage(): Promise<StorageAccess> {
  // The browser's own object, not the polyfill's wrapper (which does not forward this method).
  // Firefox ESR 153 lacks the method: 'unsupported'.
  const local = (globalThis as { chrome?: { storage?: { local?: AreaWithAccessLevel } } }).chrome?.storage?.local;
  if (typeof local?.setAccessLevel !== 'function') return 'unsupported';
  try {
    await local.setAccessLevel({ accessLevel: 'TRUSTED_CONTEXTS' });
    return 'extension-only';
  } catch (e) {
    // A browser that has the method but refuses it for `local`.
    return `failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}
