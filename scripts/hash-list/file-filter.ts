// Which files of a package tarball go into the public hash list.
import { isFilePath } from '../../src/core/hash-list/index.ts';

/**
 * Types a page loads from a CDN as a subresource, by extension (compared lowercased).
 * Deliberately absent: `.svg` (an SVG opened as a document runs script, so binding one is
 * not as harmless as binding a font), `.map`, `.ts`, `.json`, `.md` and other sources or
 * metadata that pages do not execute or render.
 */
export const SERVABLE_EXTENSIONS: ReadonlySet<string> = new Set([
  '.js', '.mjs', '.cjs', '.css',
  '.woff', '.woff2', '.ttf', '.otf', '.eot',
  '.png', '.jpg', '.jpeg', '.gif', '.webp', '.avif', '.ico',
  '.wasm',
]);

/** Larger files are not listed: the cache would not keep them, and CDNs cap file size too. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** Why a file is left out, or undefined if it is listed. */
export type SkipReason = 'type' | 'empty' | 'too-large' | 'unsafe-path' | 'excluded' | 'not-included';

/** Path globs that narrow a package's files (from packages.json). */
export interface FileRules {
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
}

/** Decides file by file; built once per package. */
export type FileFilter = (path: string, size: number) => SkipReason | undefined;

/** A filter applying the fixed rules above, then `rules` (exclude wins over include). */
export function createFileFilter(rules: FileRules): FileFilter {
  const include = rules.include?.map(globToRegExp);
  const exclude = (rules.exclude ?? []).map(globToRegExp);
  return (path, size) => {
    if (!SERVABLE_EXTENSIONS.has(extensionOf(path))) return 'type';
    if (size === 0) return 'empty';
    if (size > MAX_FILE_BYTES) return 'too-large';
    if (!isFilePath(path)) return 'unsafe-path';
    if (exclude.some((re) => re.test(path))) return 'excluded';
    if (include !== undefined && !include.some((re) => re.test(path))) return 'not-included';
    return undefined;
  };
}

/**
 * A glob over `/`-separated paths, matched against the whole path: `*` is any run of
 * characters within one segment, `?` one such character, `**` any run across segments,
 * and `**\/` also matches no directory at all (`**\/test/**` matches `test/a.js`).
 */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (glob.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 2;
    } else if (glob.startsWith('**', i)) {
      source += '.*';
      i += 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot).toLowerCase();
}
