/**
 * Per-browser manifests from the ONE root manifest.json (style.md, principle 8). The source is
 * never rewritten; the build writes dist/<browser>/manifest.json.
 */

export type Target = 'chrome' | 'firefox';
type Manifest = Record<string, unknown> & { background?: Record<string, unknown>; permissions?: string[] };

/** Permissions one browser does not have or need: asking for them only adds warnings. */
const NOT_FOR: Record<Target, readonly string[]> = {
  // Blocking webRequest is for policy-installed extensions only in Chromium MV3; DNR serves there.
  chrome: ['webRequestBlocking', 'webRequestFilterResponse'],
  // Firefox serves learned files through blocking webRequest (its DNR cannot redirect to data:),
  // and the packaged set through the same static DNR ruleset as Chromium; MV3 Firefox wants
  // webRequestFilterResponse for filterResponseData. Firefox copies a page's response as it
  // passes, so it never reads the page's cache through `scripting` (Chromium's learning).
  firefox: ['offscreen', 'scripting'],
};

/** Returns the manifest for one browser, leaving the source object untouched. */
export function manifestFor(source: Manifest, target: Target, version?: string): Manifest {
  const m: Manifest = structuredClone(source);
  if (version) m.version = version;
  if (m.permissions) m.permissions = m.permissions.filter((p) => !NOT_FOR[target].includes(p));
  if (target === 'chrome') {
    // Chromium runs the background as a service worker; the gecko block means nothing to it.
    delete m.background?.scripts;
    delete m.browser_specific_settings;
  } else {
    // Firefox MV3 runs the background as an event page (with a DOM: WebRTC works there).
    // `key` and `minimum_chrome_version` are Chromium's; Firefox reads policy without a schema.
    delete m.background?.service_worker;
    delete m.key;
    delete m.minimum_chrome_version;
    delete m.storage;
  }
  return m;
}
