/**
 * Decoder of the public hash list, `extension/hash-list.bin`.
 *
 * Format 2. All integers are unsigned varints (multiformats: little-endian base-128,
 * minimal); `str` is a varint byte length and that many bytes of UTF-8.
 *
 * ```text
 * list     := magic "PCHL" (4 bytes)  format=1  algorithm=0x20 (sha2-384 multicodec)
 *             generator:str  configHash:str
 *             digestCount  digest{digestCount}    48 raw bytes each, strictly ascending
 *             packageCount package{packageCount}  strictly ascending by name
 * package  := name:str
 *             pathCount path{pathCount}           strictly ascending, each used by a version
 *             versionCount version{versionCount}  strictly ascending (code-unit order)
 * path     := shared  suffixLength  suffix        front coding: the first `shared` UTF-8
 *                                                  bytes of the previous path, then suffix
 * version  := version:str  fileCount file{fileCount}
 * file     := pathGap  digestIndex                path index = previous index + 1 + gap
 *             aliasCount alias{aliasCount}        strictly ascending by URL (format 2)
 * alias    := shared  suffixLength  suffix        front-coded URL (names.ts isAliasUrl)
 *             packageIndex versionIndex pathIndex the listed file whose bytes it serves
 *             packagedCount packaged{packagedCount}  strictly ascending (format 2)
 * packaged := packageIndex versionIndex pathIndex a listed file shipped in the extension
 * ```
 *
 * Aliases are the URLs of CDNs whose paths are not npm's (cdnjs, Google Hosted Libraries,
 * Microsoft's CDN, code.jquery.com, BootstrapCDN): each is bound to a file only on
 * evidence that the CDN serves exactly those bytes (scripts/hash-list/evidence.ts).
 *
 * Why this shape: digests are random, so no compressor shrinks them; the format stores
 * each distinct digest once (a file unchanged across versions or shipped by two packages
 * costs a 1–3 byte index, not 48 bytes) and spends everything else on small varints and
 * front-coded paths, which leaves gzip little to win. So the file ships uncompressed and
 * parses synchronously, with no DecompressionStream. Strings are ordered by JavaScript
 * code units and every table is canonical (sorted, deduplicated, fully referenced), so
 * equal content has exactly one encoding and the build is byte-for-byte reproducible.
 *
 * The decoder trusts nothing: every count is checked against the bytes left before it
 * allocates, every index against its table, every name, version and path against the
 * rules in names.ts, and any violation throws {@link CorruptHashListError} with the offset.
 */
import { MalformedVarintError, decodeUnsignedVarint } from '../integrity/index.ts';
import { CorruptHashListError, UnsupportedHashListError } from './errors.ts';
import {
  HASH_LIST_ALGORITHM_CODE,
  HASH_LIST_DIGEST_LENGTH,
  HASH_LIST_FORMAT_VERSION,
  HASH_LIST_MAGIC,
  compareDigests,
  compareStrings,
} from './format.ts';
import { isAliasUrl, isExactVersion, isFilePath, isPackageName } from './names.ts';

/** One version's files: parallel arrays, `pathIndices` strictly ascending. */
export interface DecodedVersion {
  readonly version: string;
  readonly pathIndices: Uint32Array;
  readonly digestIndices: Uint32Array;
}

/** One package: its path table and versions. */
export interface DecodedPackage {
  readonly name: string;
  readonly paths: readonly string[];
  readonly versions: readonly DecodedVersion[];
}

/** The list as stored, validated but not yet indexed. */
export interface DecodedHashList {
  readonly formatVersion: number;
  readonly generator: string;
  readonly configHash: string;
  /** `digestCount` digests of 48 bytes, back to back, strictly ascending. */
  readonly digests: Uint8Array;
  readonly digestCount: number;
  readonly packages: readonly DecodedPackage[];
  readonly aliases: readonly DecodedAlias[];
  readonly packaged: readonly DecodedFileRef[];
}

/** A listed file by its indices, and its digest index. */
export interface DecodedFileRef {
  readonly packageIndex: number;
  readonly versionIndex: number;
  readonly pathIndex: number;
  readonly digestIndex: number;
}

/** An extra URL bound to a listed file. */
export interface DecodedAlias extends DecodedFileRef {
  readonly url: string;
}

// ignoreBOM: a leading U+FEFF is part of the string (the encoder writes it), not a mark to
// drop; dropping it decoded the path `\ufeffx.js` as `x.js` (found by test/fuzz/hash-list).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decode and validate hash-list bytes. Throws {@link UnsupportedHashListError} for another
 * format version or algorithm, {@link CorruptHashListError} for anything malformed.
 */
export function decodeHashList(bytes: Uint8Array): DecodedHashList {
  const input = new Reader(bytes);
  for (const expected of HASH_LIST_MAGIC) {
    if (input.byte('magic') !== expected) throw input.error('not a PeerCache hash list (bad magic)');
  }
  const formatVersion = input.varint('format version');
  if (formatVersion !== HASH_LIST_FORMAT_VERSION) {
    throw new UnsupportedHashListError(`Hash list format ${formatVersion} is not supported (expected ${HASH_LIST_FORMAT_VERSION})`);
  }
  const algorithm = input.varint('algorithm');
  if (algorithm !== HASH_LIST_ALGORITHM_CODE) {
    throw new UnsupportedHashListError(`Hash list algorithm 0x${algorithm.toString(16)} is not supported (expected sha2-384)`);
  }
  const generator = input.string('generator');
  const configHash = input.string('config hash');

  const digestCount = input.count('digest', HASH_LIST_DIGEST_LENGTH);
  const digestsAt = input.offset;
  // A copy, so the list cannot change if the caller reuses its buffer.
  const digests = input.bytes(digestCount * HASH_LIST_DIGEST_LENGTH, 'digests').slice();
  for (let i = 1; i < digestCount; i++) {
    const at = i * HASH_LIST_DIGEST_LENGTH;
    if (compareDigests(digests, at - HASH_LIST_DIGEST_LENGTH, digests, at) >= 0) {
      throw new CorruptHashListError(`digest ${i} is not above digest ${i - 1}`, digestsAt + at);
    }
  }
  const digestUsed = new Uint8Array(digestCount);

  const packageCount = input.count('package', 3);
  const packages: DecodedPackage[] = [];
  for (let p = 0; p < packageCount; p++) {
    const pkg = readPackage(input, digestCount, digestUsed);
    const previous = packages[p - 1];
    if (previous !== undefined && compareStrings(previous.name, pkg.name) >= 0) {
      throw input.error(`package ${JSON.stringify(pkg.name)} is out of order`);
    }
    packages.push(pkg);
  }
  const aliases = readAliases(input, packages);
  const packaged = readPackaged(input, packages);
  if (input.remaining !== 0) throw input.error(`${input.remaining} trailing bytes`);
  const unused = digestUsed.indexOf(0);
  if (unused !== -1) throw input.error(`digest ${unused} is not used by any file`);
  return { formatVersion, generator, configHash, digests, digestCount, packages, aliases, packaged };
}

function readFileRef(input: Reader, packages: readonly DecodedPackage[], what: string): DecodedFileRef {
  const packageIndex = input.varint(`${what} package index`);
  const pkg = packages[packageIndex];
  if (pkg === undefined) throw input.error(`${what}: package index ${packageIndex} out of range`);
  const versionIndex = input.varint(`${what} version index`);
  const version = pkg.versions[versionIndex];
  if (version === undefined) throw input.error(`${what}: version index ${versionIndex} of ${pkg.name} out of range`);
  const pathIndex = input.varint(`${what} path index`);
  const fileIndex = binarySearch(version.pathIndices, pathIndex);
  if (fileIndex === -1) throw input.error(`${what}: ${pkg.name}@${version.version} has no file ${pathIndex}`);
  return { packageIndex, versionIndex, pathIndex, digestIndex: version.digestIndices[fileIndex]! };
}

function readAliases(input: Reader, packages: readonly DecodedPackage[]): DecodedAlias[] {
  const count = input.count('alias', 5);
  const aliases: DecodedAlias[] = [];
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < count; i++) {
    const bytes = readFrontCoded(input, previous, 'alias');
    const url = input.utf8(bytes, 'alias');
    if (!isAliasUrl(url)) throw input.error(`not an alias URL: ${JSON.stringify(url)}`);
    const before = aliases[i - 1];
    if (before !== undefined && compareStrings(before.url, url) >= 0) throw input.error(`alias ${JSON.stringify(url)} is out of order`);
    aliases.push({ url, ...readFileRef(input, packages, 'alias') });
    previous = bytes;
  }
  return aliases;
}

function readPackaged(input: Reader, packages: readonly DecodedPackage[]): DecodedFileRef[] {
  const count = input.count('packaged file', 3);
  const packaged: DecodedFileRef[] = [];
  for (let i = 0; i < count; i++) {
    const ref = readFileRef(input, packages, 'packaged file');
    const before = packaged[i - 1];
    if (before !== undefined && compareRefs(before, ref) >= 0) throw input.error('packaged files out of order');
    packaged.push(ref);
  }
  return packaged;
}

function compareRefs(a: DecodedFileRef, b: DecodedFileRef): number {
  return a.packageIndex - b.packageIndex || a.versionIndex - b.versionIndex || a.pathIndex - b.pathIndex;
}

/** Index of `value` in an ascending array, or -1. */
export function binarySearch(sorted: Uint32Array, value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const at = sorted[mid]!;
    if (at === value) return mid;
    if (at < value) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}

function readPackage(input: Reader, digestCount: number, digestUsed: Uint8Array): DecodedPackage {
  const name = input.string('package name');
  if (!isPackageName(name)) throw input.error(`not an npm package name: ${JSON.stringify(name)}`);
  const paths = readPaths(input, name);
  const pathUsed = new Uint8Array(paths.length);
  const versionCount = input.count(`${name} version`, 2);
  const versions: DecodedVersion[] = [];
  for (let v = 0; v < versionCount; v++) {
    const version = input.string(`${name} version`);
    if (!isExactVersion(version)) throw input.error(`${name}: not an exact version: ${JSON.stringify(version)}`);
    const previous = versions[v - 1];
    if (previous !== undefined && compareStrings(previous.version, version) >= 0) {
      throw input.error(`${name}@${version} is out of order`);
    }
    const fileCount = input.count(`${name}@${version} file`, 2);
    const pathIndices = new Uint32Array(fileCount);
    const digestIndices = new Uint32Array(fileCount);
    let last = -1;
    for (let f = 0; f < fileCount; f++) {
      const pathIndex = last + 1 + input.varint('path gap');
      if (pathIndex >= paths.length) throw input.error(`${name}@${version}: path index ${pathIndex} out of range`);
      const digestIndex = input.varint('digest index');
      if (digestIndex >= digestCount) throw input.error(`${name}@${version}: digest index ${digestIndex} out of range`);
      pathIndices[f] = pathIndex;
      digestIndices[f] = digestIndex;
      pathUsed[pathIndex] = 1;
      digestUsed[digestIndex] = 1;
      last = pathIndex;
    }
    versions.push({ version, pathIndices, digestIndices });
  }
  const unused = pathUsed.indexOf(0);
  if (unused !== -1) throw input.error(`${name}: path ${JSON.stringify(paths[unused])} is not used by any version`);
  return { name, paths, versions };
}

function readPaths(input: Reader, name: string): string[] {
  const count = input.count(`${name} path`, 2);
  const paths: string[] = [];
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < count; i++) {
    const bytes = readFrontCoded(input, previous, `${name} path`);
    const path = input.utf8(bytes, 'path');
    if (!isFilePath(path)) throw input.error(`${name}: not a package file path: ${JSON.stringify(path)}`);
    const before = paths[i - 1];
    if (before !== undefined && compareStrings(before, path) >= 0) {
      throw input.error(`${name}: path ${JSON.stringify(path)} is out of order`);
    }
    paths.push(path);
    previous = bytes;
  }
  return paths;
}

/** One front-coded string: how many leading bytes it shares with `previous`, then the rest. */
function readFrontCoded(input: Reader, previous: Uint8Array, what: string): Uint8Array {
  const shared = input.varint(`${what} shared prefix length`);
  if (shared > previous.length) throw input.error(`${what} shares ${shared} bytes with a ${previous.length}-byte predecessor`);
  const suffix = input.bytes(input.varint(`${what} suffix length`), `${what} suffix`);
  // The encoder always shares the longest common prefix; a shorter one would be a second
  // spelling of the same list, which the format promises never to accept.
  if (shared < previous.length && suffix.length > 0 && suffix[0] === previous[shared]) {
    throw input.error(`${what} shares ${shared} bytes with its predecessor, fewer than it could (not canonical)`);
  }
  const bytes = new Uint8Array(shared + suffix.length);
  bytes.set(previous.subarray(0, shared));
  bytes.set(suffix, shared);
  return bytes;
}

/** A bounds-checked cursor whose every failure is a {@link CorruptHashListError}. */
class Reader {
  offset = 0;
  private readonly data: Uint8Array;

  constructor(data: Uint8Array) {
    this.data = data;
  }

  get remaining(): number {
    return this.data.length - this.offset;
  }

  error(message: string, cause?: unknown): CorruptHashListError {
    return new CorruptHashListError(message, this.offset, cause === undefined ? undefined : { cause });
  }

  byte(what: string): number {
    const value = this.data[this.offset];
    if (value === undefined) throw this.error(`truncated ${what}`);
    this.offset++;
    return value;
  }

  varint(what: string): number {
    try {
      const { value, length } = decodeUnsignedVarint(this.data, this.offset);
      this.offset += length;
      return value;
    } catch (error) {
      if (error instanceof MalformedVarintError) throw this.error(`bad ${what}: ${error.message}`, error);
      throw error;
    }
  }

  /**
   * A count of items that take at least `minItemBytes` each: refusing counts the remaining
   * bytes could not hold keeps a corrupt count from allocating gigabytes.
   */
  count(what: string, minItemBytes: number): number {
    const value = this.varint(`${what} count`);
    if (value * minItemBytes > this.remaining) throw this.error(`${value} ${what}s cannot fit in ${this.remaining} bytes`);
    return value;
  }

  bytes(length: number, what: string): Uint8Array {
    if (length > this.remaining) throw this.error(`truncated ${what}`);
    const out = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  string(what: string): string {
    return this.utf8(this.bytes(this.varint(`${what} length`), what), what);
  }

  utf8(bytes: Uint8Array, what: string): string {
    try {
      return utf8.decode(bytes);
    } catch (error) {
      throw this.error(`${what} is not UTF-8`, error);
    }
  }
}
