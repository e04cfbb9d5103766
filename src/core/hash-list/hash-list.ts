/**
 * The public hash list, indexed for the two questions the extension asks: "which hash
 * does this CDN URL serve?" (before any download) and "which listed URLs serve this hash?"
 * (to bind every equivalent URL once the bytes are cached).
 *
 * Parse cost: one pass over the bytes plus one Map entry per package, version and path,
 * and three typed arrays for the reverse index. For the shipped list (1.2 MB, 32.6k files,
 * 19.3k digests) that is ~45 ms for a cold parse and ~27 ms warm in Node 24 on an AMD EPYC
 * server core (2026-11; `npm run hash-list` prints it), once per service-worker start.
 * Digests are not turned into keys at parse time: a key is decoded back to its digest and
 * binary-searched in the sorted digest table. A lookup then costs a few microseconds.
 */
import { keyToMultihash, sriEntryToKey, type BytesLike } from '../integrity/index.ts';
import { cdnUrls, parseCdnUrl } from './cdn-url.ts';
import { binarySearch, decodeHashList, type DecodedHashList, type DecodedPackage, type DecodedVersion } from './decode.ts';
import { HASH_LIST_DIGEST_LENGTH, compareDigests } from './format.ts';

/** What the list says a URL serves. */
export interface HashListEntry {
  readonly algorithm: 'sha384';
  /** The 48 digest bytes (a copy; the caller may keep or change it). */
  readonly digest: Uint8Array;
  /** The multihash database key, as {@link sriEntryToKey} makes it. */
  readonly key: string;
}

/** Sizes of a list. */
export interface HashListStats {
  readonly packages: number;
  /** Package versions. */
  readonly versions: number;
  /** Files over all versions (a file unchanged across three versions counts three times). */
  readonly files: number;
  readonly distinctHashes: number;
}

/** Where a list came from. */
export interface HashListMeta {
  readonly formatVersion: number;
  readonly generator: string;
  readonly configHash: string;
}

/** A file that ships inside the extension, and every listed URL it answers. */
export interface PackagedFile {
  /** Path inside the extension, keeping the package's layout: `pkg/<name>@<version>/<path>`. */
  readonly extensionPath: string;
  readonly key: string;
  /** Every listed URL serving these bytes (npm CDNs and aliases), sorted. */
  readonly urls: readonly string[];
}

/** A parsed, indexed public hash list. */
export interface HashList {
  /**
   * The hash `url` serves, if it is an exact-version jsDelivr or unpkg URL of a listed file,
   * or an alias the evidence binds (cdnjs, Google Hosted Libraries, …).
   */
  lookup(url: string): HashListEntry | undefined;
  /** Every listed URL (npm CDNs for every package version and path, and aliases) serving the asset `key`; sorted. */
  urlsFor(key: string): string[];
  /** The packaged file with these bytes, if one ships in the extension. */
  packagedFile(key: string): PackagedFile | undefined;
  /** Every packaged file, in list order. */
  packagedFiles(): PackagedFile[];
  /** True if some listed URL serves the asset `key`. */
  isListed(key: string): boolean;
  readonly stats: HashListStats;
  readonly meta: HashListMeta;
}

interface IndexedPackage {
  readonly pathIndex: ReadonlyMap<string, number>;
  readonly versions: ReadonlyMap<string, DecodedVersion>;
}

/**
 * Parse hash-list bytes (see decode.ts for the format) into a {@link HashList}. Throws
 * {@link CorruptHashListError} or {@link UnsupportedHashListError}; a list that parses
 * never throws later.
 *
 * @example
 * ```ts
 * const list = parseHashList(await (await fetch(runtimeUrl('hash-list.bin'))).arrayBuffer());
 * list.lookup('https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js')?.key;
 * ```
 */
export function parseHashList(data: BytesLike): HashList {
  const decoded = decodeHashList(data instanceof Uint8Array ? data : new Uint8Array(data));
  const packages = new Map<string, IndexedPackage>();
  let versions = 0;
  let files = 0;
  for (const pkg of decoded.packages) {
    packages.set(pkg.name, {
      pathIndex: new Map(pkg.paths.map((path, index) => [path, index])),
      versions: new Map(pkg.versions.map((v) => [v.version, v])),
    });
    versions += pkg.versions.length;
    for (const v of pkg.versions) files += v.pathIndices.length;
  }
  const occurrences = occurrencesByDigest(decoded, files);
  const stats = Object.freeze({ packages: decoded.packages.length, versions, files, distinctHashes: decoded.digestCount });
  const { formatVersion, generator, configHash } = decoded;
  const meta = Object.freeze({ formatVersion, generator, configHash });

  const digestAt = (index: number): Uint8Array =>
    decoded.digests.slice(index * HASH_LIST_DIGEST_LENGTH, (index + 1) * HASH_LIST_DIGEST_LENGTH);
  const keyAt = (index: number): string => sriEntryToKey({ algorithm: 'sha384', digest: digestAt(index) });
  const aliasByUrl = new Map(decoded.aliases.map((alias) => [alias.url, alias.digestIndex]));
  const aliasesByFile = new Map<string, string[]>();
  for (const alias of decoded.aliases) {
    const id = refId(alias);
    const urls = aliasesByFile.get(id);
    if (urls === undefined) aliasesByFile.set(id, [alias.url]);
    else urls.push(alias.url);
  }
  const urlsOfDigest = (index: number): string[] => {
    const urls: string[] = [];
    for (let i = occurrences.start[index]!; i < occurrences.start[index + 1]!; i++) {
      const ref = { packageIndex: occurrences.packageIndex[i]!, versionIndex: occurrences.versionIndex[i]!, pathIndex: occurrences.pathIndex[i]! };
      const pkg = decoded.packages[ref.packageIndex]!;
      urls.push(...cdnUrls(pkg.name, pkg.versions[ref.versionIndex]!.version, pkg.paths[ref.pathIndex]!));
      urls.push(...(aliasesByFile.get(refId(ref)) ?? []));
    }
    return urls.sort();
  };
  const packaged = decoded.packaged.map((ref): PackagedFile => {
    const pkg = decoded.packages[ref.packageIndex]!;
    const extensionPath = `pkg/${pkg.name}@${pkg.versions[ref.versionIndex]!.version}/${pkg.paths[ref.pathIndex]!}`;
    return Object.freeze({ extensionPath, key: keyAt(ref.digestIndex), urls: Object.freeze(urlsOfDigest(ref.digestIndex)) });
  });
  // Two packaged files with the same bytes (a file unchanged between versions) answer
  // the same URLs; the first one in list order is the one a key names.
  const packagedByKey = new Map<string, PackagedFile>();
  for (const file of packaged) if (!packagedByKey.has(file.key)) packagedByKey.set(file.key, file);

  return Object.freeze({
    stats,
    meta,
    lookup(url: string): HashListEntry | undefined {
      const fragment = url.indexOf('#');
      const aliased = aliasByUrl.get(fragment === -1 ? url : url.slice(0, fragment));
      if (aliased !== undefined) return { algorithm: 'sha384', digest: digestAt(aliased), key: keyAt(aliased) };
      const ref = parseCdnUrl(url);
      if (ref === undefined) return undefined;
      const pkg = packages.get(ref.packageName);
      const version = pkg?.versions.get(ref.version);
      const pathIndex = pkg?.pathIndex.get(ref.path);
      if (version === undefined || pathIndex === undefined) return undefined;
      const at = binarySearch(version.pathIndices, pathIndex);
      if (at === -1) return undefined;
      const digest = digestAt(version.digestIndices[at]!);
      return { algorithm: 'sha384', digest, key: sriEntryToKey({ algorithm: 'sha384', digest }) };
    },
    urlsFor(key: string): string[] {
      const index = digestIndexOfKey(decoded, key);
      return index === -1 ? [] : urlsOfDigest(index);
    },
    packagedFile(key: string): PackagedFile | undefined {
      return packagedByKey.get(key);
    },
    packagedFiles(): PackagedFile[] {
      return [...packaged];
    },
    isListed(key: string): boolean {
      return digestIndexOfKey(decoded, key) !== -1;
    },
  });
}

/** Every file, grouped by digest index (compressed sparse rows): built once, no per-file objects. */
interface Occurrences {
  /** Files of digest d are rows start[d] .. start[d + 1] - 1. */
  readonly start: Uint32Array;
  readonly packageIndex: Uint32Array;
  readonly versionIndex: Uint32Array;
  readonly pathIndex: Uint32Array;
}

function occurrencesByDigest(decoded: DecodedHashList, files: number): Occurrences {
  const start = new Uint32Array(decoded.digestCount + 1);
  forEachFile(decoded.packages, (_p, _v, _path, digest) => start[digest + 1]!++);
  for (let d = 0; d < decoded.digestCount; d++) start[d + 1]! += start[d]!;
  const next = start.slice(0, decoded.digestCount);
  const packageIndex = new Uint32Array(files);
  const versionIndex = new Uint32Array(files);
  const pathIndex = new Uint32Array(files);
  forEachFile(decoded.packages, (p, v, path, digest) => {
    const row = next[digest]!++;
    packageIndex[row] = p;
    versionIndex[row] = v;
    pathIndex[row] = path;
  });
  return { start, packageIndex, versionIndex, pathIndex };
}

function forEachFile(
  packages: readonly DecodedPackage[],
  visit: (packageIndex: number, versionIndex: number, pathIndex: number, digestIndex: number) => void,
): void {
  packages.forEach((pkg, p) =>
    pkg.versions.forEach((version, v) => {
      for (let f = 0; f < version.pathIndices.length; f++) visit(p, v, version.pathIndices[f]!, version.digestIndices[f]!);
    }),
  );
}

// -1 for anything that is not the key of a listed sha384 digest, malformed keys included:
// "not listed" is the true answer for them, and callers need not guard every call.
function digestIndexOfKey(decoded: DecodedHashList, key: string): number {
  let digest: Uint8Array;
  try {
    const multihash = keyToMultihash(key);
    if (multihash.algorithm !== 'sha384') return -1;
    digest = multihash.digest;
  } catch {
    return -1;
  }
  let low = 0;
  let high = decoded.digestCount - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const order = compareDigests(decoded.digests, mid * HASH_LIST_DIGEST_LENGTH, digest, 0);
    if (order === 0) return mid;
    if (order < 0) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}

function refId(ref: { packageIndex: number; versionIndex: number; pathIndex: number }): string {
  return `${ref.packageIndex}/${ref.versionIndex}/${ref.pathIndex}`;
}
