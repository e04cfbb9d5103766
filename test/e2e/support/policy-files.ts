import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BrowserName } from './extension-browser.ts';
import { CHROME_EXTENSION_ID, GECKO_ID } from '../../../scripts/browsers/paths.ts';

/** platform-notes.md: where each Debian browser reads machine-wide policy. */
const CHROMIUM_POLICY = '/etc/chromium/policies/managed/peercache-e2e.json';
const FIREFOX_POLICY = '/usr/lib/firefox-esr/distribution/policies.json';

/**
 * Writes a real enterprise policy for the extension and returns the function that removes it
 * (restoring a Firefox policies.json that was there before): these files are machine-wide.
 */
export function writeExtensionPolicy(browser: BrowserName, settings: Record<string, unknown>): () => void {
  if (browser === 'chromium') {
    mkdirSync(dirname(CHROMIUM_POLICY), { recursive: true });
    writeFileSync(CHROMIUM_POLICY, JSON.stringify({ '3rdparty': { extensions: { [CHROME_EXTENSION_ID]: settings } } }));
    return () => rmSync(CHROMIUM_POLICY, { force: true });
  }
  const before = existsSync(FIREFOX_POLICY) ? readFileSync(FIREFOX_POLICY) : undefined;
  mkdirSync(dirname(FIREFOX_POLICY), { recursive: true });
  writeFileSync(FIREFOX_POLICY, JSON.stringify({ policies: { '3rdparty': { Extensions: { [GECKO_ID]: settings } } } }));
  return () => (before ? writeFileSync(FIREFOX_POLICY, before) : rmSync(FIREFOX_POLICY, { force: true }));
}
