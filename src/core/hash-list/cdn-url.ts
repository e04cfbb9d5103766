/**
 * The two CDN URL shapes the public hash list binds: jsDelivr's
 * `https://cdn.jsdelivr.net/npm/<name>@<version>/<path>` and unpkg's
 * `https://unpkg.com/<name>@<version>/<path>`. Both serve the files of the npm package
 * tarball byte for byte (https://www.jsdelivr.com/documentation#id-npm,
 * https://unpkg.com/#urls), so an exact version plus a path names fixed bytes.
 *
 * Parsing is deliberately narrower than what the CDNs accept, because a wrong "yes" binds
 * a URL to bytes its origin might not serve, while a wrong "no" only costs a download:
 * - https only, exactly those two hosts, no port, no user info (the scheme and host are
 *   matched case-insensitively, as URLs define them; the path is case-sensitive).
 * - Exact versions only. `jquery@3`, `jquery@^3.7.0` or `jquery@latest` resolve to
 *   whatever is newest when asked, so they can never be bound to one hash.
 * - No query: unpkg answers `?module` with rewritten JavaScript and jsDelivr's query
 *   handling is not documented, so any `?` (even an empty one) refuses the URL.
 * - The fragment is dropped: it is never sent to the server (RFC 9110 §7.1), so it
 *   cannot change the bytes.
 * - File path segments are percent-decoded (`foo%20bar.js` is the file `foo bar.js`),
 *   and a segment that decodes to empty, `.`, `..` or something holding `/` or `\`
 *   refuses the URL instead of being resolved. Browsers hand extensions URLs that are
 *   already resolved; a raw string that still has such segments is not one of those.
 * - The `<name>@<version>` part must be spelled literally. Browsers never percent-encode
 *   `@` or the characters of a package name, and how each CDN treats `%40` is undocumented.
 */
import { isExactVersion, isFilePath, isPackageName } from './names.ts';

/** A CDN whose npm URLs the hash list binds. */
export type Cdn = 'jsdelivr' | 'unpkg';

/** The file a CDN URL names. */
export interface CdnFileRef {
  readonly cdn: Cdn;
  /** npm package name, `@scope/name` for scoped packages. */
  readonly packageName: string;
  /** Exact version, e.g. `3.7.1`. */
  readonly version: string;
  /** Decoded path inside the package, e.g. `dist/jquery.min.js`. */
  readonly path: string;
}

interface CdnShape {
  readonly cdn: Cdn;
  /** Lowercase scheme and host, compared case-insensitively. */
  readonly origin: string;
  /** Path prefix before `<name>@<version>`, compared exactly. */
  readonly pathPrefix: string;
}

/** Both CDNs, in the order {@link cdnUrls} lists them. */
export const CDNS: readonly Cdn[] = Object.freeze(['jsdelivr', 'unpkg']);

const SHAPES: Readonly<Record<Cdn, CdnShape>> = Object.freeze({
  jsdelivr: { cdn: 'jsdelivr', origin: 'https://cdn.jsdelivr.net', pathPrefix: '/npm/' },
  unpkg: { cdn: 'unpkg', origin: 'https://unpkg.com', pathPrefix: '/' },
});

// What may appear raw in the path of a URL a browser produced: printable ASCII without
// the backslash (WHATWG URL treats `\` as `/` in https URLs).
const RAW_PATH = /^[\u0021-\u005b\u005d-\u007e]*$/;

/**
 * The file named by a jsDelivr or unpkg npm URL, or undefined if `url` is not one of the
 * exact-version shapes this module accepts (see the module comment for every rule).
 *
 * @example
 * ```ts
 * parseCdnUrl('https://unpkg.com/@popperjs/core@2.11.8/dist/umd/popper.min.js')
 * // { cdn: 'unpkg', packageName: '@popperjs/core', version: '2.11.8', path: 'dist/umd/popper.min.js' }
 * parseCdnUrl('https://unpkg.com/jquery@3/dist/jquery.min.js') // undefined: a range
 * ```
 */
export function parseCdnUrl(url: string): CdnFileRef | undefined {
  const fragment = url.indexOf('#');
  const target = fragment === -1 ? url : url.slice(0, fragment);
  if (target.includes('?')) return undefined;
  const shape = Object.values(SHAPES).find(
    (s) => target.slice(0, s.origin.length).toLowerCase() === s.origin && target.startsWith(s.pathPrefix, s.origin.length),
  );
  if (shape === undefined) return undefined;
  const rest = target.slice(shape.origin.length + shape.pathPrefix.length);
  if (!RAW_PATH.test(rest)) return undefined;

  const segments = rest.split('/');
  const scoped = segments[0]?.startsWith('@') === true;
  const specIndex = scoped ? 1 : 0;
  const spec = segments[specIndex];
  if (spec === undefined) return undefined;
  const at = spec.indexOf('@');
  if (at <= 0) return undefined;
  const packageName = (scoped ? `${segments[0]}/` : '') + spec.slice(0, at);
  const version = spec.slice(at + 1);
  if (!isPackageName(packageName) || !isExactVersion(version)) return undefined;

  const pathSegments: string[] = [];
  for (const raw of segments.slice(specIndex + 1)) {
    const decoded = percentDecode(raw);
    // A decoded `/` would make one URL segment two path segments; refuse rather than guess.
    if (decoded === undefined || decoded.includes('/')) return undefined;
    pathSegments.push(decoded);
  }
  const path = pathSegments.join('/');
  if (!isFilePath(path)) return undefined;
  return { cdn: shape.cdn, packageName, version, path };
}

/**
 * The canonical URL of a package file on `cdn`, percent-encoding path characters the way
 * a browser would send them, so that {@link parseCdnUrl} reads it back to the same file.
 */
export function formatCdnUrl(cdn: Cdn, packageName: string, version: string, path: string): string {
  const { origin, pathPrefix } = SHAPES[cdn];
  return `${origin}${pathPrefix}${packageName}@${version}/${path.split('/').map(encodeSegment).join('/')}`;
}

/** The URLs of one package file on every CDN, in {@link CDNS} order. */
export function cdnUrls(packageName: string, version: string, path: string): string[] {
  return CDNS.map((cdn) => formatCdnUrl(cdn, packageName, version, path));
}

function percentDecode(segment: string): string | undefined {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined; // `%` not followed by two hex digits, or escapes that are not UTF-8
  }
}

// encodeURIComponent escapes more than a browser does in a path; these stay literal in
// WHATWG's path percent-encode set (https://url.spec.whatwg.org/#path-percent-encode-set).
const KEPT_LITERAL: Readonly<Record<string, string>> = {
  '%24': '$',
  '%26': '&',
  '%2B': '+',
  '%2C': ',',
  '%3A': ':',
  '%3B': ';',
  '%3D': '=',
  '%40': '@',
};

function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/%(?:24|26|2B|2C|3A|3B|3D|40)/g, (escape) => KEPT_LITERAL[escape]!);
}
