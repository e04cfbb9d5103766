/**
 * Who may read the extension's `storage.local`: by default every extension context, content
 * scripts included, which run in the process of any web page. It holds the browser's LAN
 * identity key and the pinned LAN node ids (peer-local-state.ts), the user's settings and the
 * sites' CSP history, none of which a content script needs (it only sends its page report).
 *
 * Chromium takes `setAccessLevel({ accessLevel: 'TRUSTED_CONTEXTS' })` on `storage.local` and
 * then refuses it to content scripts (checked in the real browser: test/e2e/storage-access.test.ts).
 * Firefox implements `setAccessLevel` for `storage.session` only (bug 1724754), so there a
 * page's renderer, once compromised, could read it: SECURITY.md says so.
 */
export type StorageAccess = 'extension-only' | 'unsupported' | `failed: ${string}`;

interface AreaWithAccessLevel {
  setAccessLevel?: (options: { accessLevel: 'TRUSTED_CONTEXTS' }) => Promise<void>;
}

/** Restricts `storage.local` to the extension's own pages and background, where the browser can. */
export async function restrictLocalStorage(): Promise<StorageAccess> {
  // The browser's own object, not the polyfill's wrapper (which does not forward this method).
  const local = (globalThis as { chrome?: { storage?: { local?: AreaWithAccessLevel } } }).chrome?.storage?.local;
  if (typeof local?.setAccessLevel !== 'function') return 'unsupported';
  try {
    await local.setAccessLevel({ accessLevel: 'TRUSTED_CONTEXTS' });
    return 'extension-only';
  } catch (e) {
    // A browser that has the method but not for `local` (Firefox implements it for
    // storage.session only; whether it refuses or lacks it on `local` was not checked here).
    return `failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}
