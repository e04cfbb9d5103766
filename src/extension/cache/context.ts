import type { Settings } from '../../core/settings/index.ts';
import type { Store } from '../../store/index.ts';

/** What the public hash list offers the background (src/core/hash-list builds it). */
export interface HashListIndex {
  lookup(url: string): { key: string } | undefined;
  urlsFor(key: string): string[];
  isListed(key: string): boolean;
  /** The packaged file with these bytes (it ships in the extension and answers by static rule). */
  packagedFile(key: string): { extensionPath: string } | undefined;
}

/** Everything the cache logic needs, passed in (style.md, principle 2). */
export interface CacheContext {
  readonly store: Store;
  readonly hashList: HashListIndex;
  /** The current merged settings. */
  settings(): Settings;
  /** Sites the user paused from the popup. */
  pausedSites(): readonly string[];
  now(): number;
  log(line: string): void;
}

/** Host of a URL or origin, lower-case; undefined when it has none. */
export function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}
