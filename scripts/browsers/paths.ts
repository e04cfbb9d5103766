import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const DIST_CHROME = join(ROOT, 'dist', 'chrome');
export const DIST_FIREFOX = join(ROOT, 'dist', 'firefox');
/** Screenshots and other artefacts of e2e runs. */
export const OUTPUT = join(ROOT, 'test-output');
/** Fixed by the manifest `key` (Chromium) and `browser_specific_settings.gecko.id` (Firefox). */
export const CHROME_EXTENSION_ID = 'gchjjjnbajfonnfajndjifmmhflmaiel';
export const GECKO_ID = 'peercache@peercache.dev';
