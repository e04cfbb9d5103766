/**
 * Which packaged files each browser's build ships (extension/pkg/, issue 9). Chromium ships the
 * whole set. Firefox leaves out what addons.mozilla.org refuses in an add-on: its linter
 * (`web-ext lint`, BANNED_LIBRARY) bans jQuery before 3.0 for its known vulnerabilities. Such a
 * file is then answered in Firefox like any listed file: learned from its first download.
 */
import type { PackagedFile } from '../../src/core/hash-list/index.ts';
import type { Target } from './manifest.ts';

/** Packaged paths a target does not ship, and why. */
export const NOT_SHIPPED: Readonly<Record<Target, ReadonlyArray<{ pattern: RegExp; why: string }>>> = {
  chrome: [],
  firefox: [{ pattern: /^pkg\/jquery@[12]\./, why: 'addons-linter BANNED_LIBRARY (jQuery < 3)' }],
};

/** The packaged files `target` ships. */
export function packagedFor(target: Target, files: readonly PackagedFile[]): PackagedFile[] {
  return files.filter((f) => shipsFile(target, f.extensionPath));
}

/** True if the extension file at `path` (relative to extension/) ships in `target`'s build. */
export function shipsFile(target: Target, path: string): boolean {
  return !NOT_SHIPPED[target].some((n) => n.pattern.test(path));
}
