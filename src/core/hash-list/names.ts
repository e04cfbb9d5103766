/**
 * What a package name, an exact version and a file path in the hash list may look like.
 * The encoder, the decoder and the CDN URL parser share these checks, so anything the list
 * holds is something a URL can name, and nothing a URL names can be a range or a tag.
 */

// The "new package" name rule of npm (validate-npm-package-name: lowercase, URL-safe,
// optional @scope/, at most 214 characters). Legacy mixed-case names are not listed.
const PACKAGE_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
const MAX_PACKAGE_NAME_LENGTH = 214;

// SemVer 2.0.0 (https://semver.org/#backusnaur-form-grammar-for-valid-semver-versions)
// without build metadata: npm drops `+build` when publishing, so no registry version has it.
// Anything else (`3`, `3.7`, `^3.7.1`, `latest`, `v3.7.1`) is a range or tag, which a CDN
// resolves to whatever is newest at the time, so it cannot be bound to one hash.
const IDENTIFIER = '(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)';
const EXACT_VERSION = new RegExp(
  `^(?:0|[1-9]\\d*)\\.(?:0|[1-9]\\d*)\\.(?:0|[1-9]\\d*)(?:-${IDENTIFIER}(?:\\.${IDENTIFIER})*)?$`,
);
const MAX_VERSION_LENGTH = 256;

// Control characters and the backslash: a URL parser turns `\` into `/` for https URLs,
// so a name holding one could alias another path.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_PATH_CHARACTER = /[\u0000-\u001f\u007f\\]/;
const MAX_PATH_LENGTH = 1024;

/** True if `name` is a valid npm package name, scoped (`@scope/name`) or not. */
export function isPackageName(name: string): boolean {
  return name.length <= MAX_PACKAGE_NAME_LENGTH && PACKAGE_NAME.test(name);
}

/** True if `version` is one exact SemVer version (`3.7.1`, `1.0.0-rc.1`), never a range or tag. */
export function isExactVersion(version: string): boolean {
  return version.length <= MAX_VERSION_LENGTH && EXACT_VERSION.test(version);
}

/**
 * True if `path` is a file path inside a package as the list stores it: decoded (no
 * percent-escapes applied), `/`-separated, relative, with no empty, `.` or `..` segment.
 */
export function isFilePath(path: string): boolean {
  if (path.length === 0 || path.length > MAX_PATH_LENGTH || UNSAFE_PATH_CHARACTER.test(path)) return false;
  return path.split('/').every(isFileSegment);
}

function isFileSegment(segment: string): boolean {
  return segment !== '' && segment !== '.' && segment !== '..';
}

// An alias is compared with the URL a browser hands the extension, which is already
// parsed and serialized: lowercase host, no default port, raw path of printable ASCII.
const ALIAS_URL = /^https:\/\/[a-z0-9.-]+(?:\/[\u0021-\u0022\u0024-\u003e\u0040-\u005b\u005d-\u007e]*)+$/;
const MAX_ALIAS_URL_LENGTH = 2048;

/**
 * True if `url` can be an alias of the list: an https URL in the serialized form a browser
 * sends (lowercase host, no port, user info, query or fragment; no `.` or `..` segment), so
 * that comparing strings is comparing URLs. A query is refused because CDNs may answer
 * one with other bytes.
 */
export function isAliasUrl(url: string): boolean {
  if (url.length > MAX_ALIAS_URL_LENGTH || !ALIAS_URL.test(url)) return false;
  const path = url.slice(url.indexOf('/', 'https://'.length) + 1);
  return path.split('/').every(isFileSegment);
}
