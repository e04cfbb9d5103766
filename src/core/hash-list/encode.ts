/**
 * Writes the public hash list in the binary form described at the top of decode.ts. The
 * build script (scripts/hash-list/build.ts) and the tests use this one encoder, so what
 * the tests decode is what ships.
 *
 * The output is canonical: the same files give the same bytes whatever order they come
 * in, because every section is sorted and every table deduplicated here.
 */
import { encodeUnsignedVarint } from '../integrity/index.ts';
import { InvalidHashListSourceError } from './errors.ts';
import {
  HASH_LIST_ALGORITHM_CODE,
  HASH_LIST_DIGEST_LENGTH,
  HASH_LIST_FORMAT_VERSION,
  HASH_LIST_MAGIC,
  compareDigests,
  compareStrings,
} from './format.ts';
import { isAliasUrl, isExactVersion, isFilePath, isPackageName } from './names.ts';

/** One file of a package version and its sha384 digest. */
export interface HashListSourceFile {
  readonly path: string;
  readonly digest: Uint8Array;
}

/** One published version of a package. */
export interface HashListSourceVersion {
  readonly version: string;
  readonly files: readonly HashListSourceFile[];
}

/** A listed file, named by package, version and path. */
export interface HashListFileRef {
  readonly packageName: string;
  readonly version: string;
  readonly path: string;
}

/**
 * A URL outside jsDelivr/unpkg's npm shapes (cdnjs, Google Hosted Libraries, …) that
 * evidence shows serves exactly the bytes of a listed file.
 */
export interface HashListSourceAlias extends HashListFileRef {
  readonly url: string;
}

/** One npm package and the versions listed for it. */
export interface HashListSourcePackage {
  readonly name: string;
  readonly versions: readonly HashListSourceVersion[];
}

/** Everything a list holds, in any order. */
export interface HashListSource {
  /** Name and version of the program that made the list, e.g. `peercache-hash-list/1`. */
  readonly generator: string;
  /** Content hash of the configuration it was made from (stands in for a timestamp). */
  readonly configHash: string;
  readonly packages: readonly HashListSourcePackage[];
  /** Extra URLs bound to listed files (format 2); each must name a file of `packages`. */
  readonly aliases?: readonly HashListSourceAlias[];
  /** Listed files that ship inside the extension (format 2), answered on a first visit. */
  readonly packaged?: readonly HashListFileRef[];
}

const utf8 = new TextEncoder();

/**
 * Encode `source` as hash-list bytes. Throws {@link InvalidHashListSourceError} for a
 * name, version or path the decoder would refuse, a digest that is not 48 bytes, or a
 * duplicate package, version or path.
 *
 * @example
 * ```ts
 * const bytes = encodeHashList({ generator: 'test/1', configHash: 'none', packages: [
 *   { name: 'jquery', versions: [{ version: '3.7.1', files: [{ path: 'dist/jquery.min.js', digest }] }] },
 * ] });
 * ```
 */
export function encodeHashList(source: HashListSource): Uint8Array {
  const packages = [...source.packages].sort((a, b) => compareStrings(a.name, b.name));
  assertUnique(packages.map((p) => p.name), 'package');
  const digests = digestTable(packages);
  const digestIndex = new Map(digests.map((digest, index) => [latin1(digest), index]));

  const out = new ByteWriter();
  out.bytes(HASH_LIST_MAGIC);
  out.varint(HASH_LIST_FORMAT_VERSION);
  out.varint(HASH_LIST_ALGORITHM_CODE);
  out.string(source.generator);
  out.string(source.configHash);
  out.varint(digests.length);
  for (const digest of digests) out.bytes(digest);
  out.varint(packages.length);
  const fileIndex = new Map<string, readonly [number, number, number]>();
  for (const [p, pkg] of packages.entries()) {
    if (!isPackageName(pkg.name)) throw new InvalidHashListSourceError(`Not an npm package name: ${JSON.stringify(pkg.name)}`);
    const paths = [...new Set(pkg.versions.flatMap((v) => v.files.map((f) => f.path)))].sort(compareStrings);
    const pathIndex = new Map(paths.map((path, index) => [path, index]));
    out.string(pkg.name);
    out.varint(paths.length);
    let previous: Uint8Array = new Uint8Array(0);
    for (const path of paths) {
      if (!isFilePath(path)) throw new InvalidHashListSourceError(`${pkg.name}: not a package file path: ${JSON.stringify(path)}`);
      // Front coding: sorted paths share long prefixes (`dist/js/…`), so each stores only
      // how many leading bytes it shares with the previous one and the rest.
      previous = out.frontCoded(previous, utf8.encode(path));
    }
    const versions = [...pkg.versions].sort((a, b) => compareStrings(a.version, b.version));
    assertUnique(versions.map((v) => v.version), `${pkg.name} version`);
    out.varint(versions.length);
    for (const [v, { version, files }] of versions.entries()) {
      if (!isExactVersion(version)) {
        throw new InvalidHashListSourceError(`${pkg.name}: not an exact version: ${JSON.stringify(version)}`);
      }
      const sorted = [...files].sort((a, b) => compareStrings(a.path, b.path));
      assertUnique(sorted.map((f) => f.path), `${pkg.name}@${version} path`);
      out.string(version);
      out.varint(sorted.length);
      let last = -1;
      for (const file of sorted) {
        const index = pathIndex.get(file.path)!;
        // Gaps, not indices: a version lists most of its package's paths, so gaps are
        // mostly 0 and take one byte.
        out.varint(index - last - 1);
        out.varint(digestIndex.get(latin1(file.digest))!);
        fileIndex.set(fileKey(pkg.name, version, file.path), [p, v, index]);
        last = index;
      }
    }
  }
  const indexOf = (ref: HashListFileRef, what: string): readonly [number, number, number] => {
    const at = fileIndex.get(fileKey(ref.packageName, ref.version, ref.path));
    if (at === undefined) throw new InvalidHashListSourceError(`${what} names ${ref.packageName}@${ref.version}/${ref.path}, which is not listed`);
    return at;
  };
  const aliases = [...(source.aliases ?? [])].sort((a, b) => compareStrings(a.url, b.url));
  assertUnique(aliases.map((a) => a.url), 'alias URL');
  out.varint(aliases.length);
  let previous: Uint8Array = new Uint8Array(0);
  for (const alias of aliases) {
    if (!isAliasUrl(alias.url)) throw new InvalidHashListSourceError(`Not an alias URL: ${JSON.stringify(alias.url)}`);
    previous = out.frontCoded(previous, utf8.encode(alias.url));
    for (const n of indexOf(alias, alias.url)) out.varint(n);
  }
  const packaged = [...(source.packaged ?? [])].map((ref) => indexOf(ref, 'packaged')).sort(compareTriples);
  assertUnique(packaged.map((t) => t.join('/')), 'packaged file');
  out.varint(packaged.length);
  for (const triple of packaged) for (const n of triple) out.varint(n);
  return out.finish();
}

function fileKey(name: string, version: string, path: string): string {
  return `${name}@${version}/${path}`;
}

/** Order of (package, version, path) index triples: the order the decoder requires for packaged files. */
export function compareTriples(a: readonly number[], b: readonly number[]): number {
  return a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
}

function digestTable(packages: readonly HashListSourcePackage[]): Uint8Array[] {
  const unique = new Map<string, Uint8Array>();
  for (const pkg of packages) {
    for (const version of pkg.versions) {
      for (const { path, digest } of version.files) {
        if (!(digest instanceof Uint8Array) || digest.length !== HASH_LIST_DIGEST_LENGTH) {
          const where = `${pkg.name}@${version.version}/${path}`;
          throw new InvalidHashListSourceError(`${where}: digest must be ${HASH_LIST_DIGEST_LENGTH} bytes`);
        }
        unique.set(latin1(digest), digest);
      }
    }
  }
  return [...unique.values()].sort((a, b) => compareDigests(a, 0, b, 0));
}

function assertUnique(values: readonly string[], what: string): void {
  for (let i = 1; i < values.length; i++) {
    if (values[i] === values[i - 1]) throw new InvalidHashListSourceError(`Duplicate ${what}: ${JSON.stringify(values[i])}`);
  }
}

function commonPrefixLength(a: Uint8Array, b: Uint8Array): number {
  const max = Math.min(a.length, b.length);
  let n = 0;
  while (n < max && a[n] === b[n]) n++;
  return n;
}

// A Map key for digest bytes: one char per byte, cheaper than hex or base64.
function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

/** An append-only byte buffer that doubles as it fills. */
class ByteWriter {
  private buffer = new Uint8Array(1 << 16);
  private length = 0;

  bytes(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  varint(value: number): void {
    this.bytes(encodeUnsignedVarint(value));
  }

  string(value: string): void {
    const bytes = utf8.encode(value);
    this.varint(bytes.length);
    this.bytes(bytes);
  }

  /** `bytes` front-coded against `previous` (see decode.ts); returns `bytes`, the next `previous`. */
  frontCoded(previous: Uint8Array, bytes: Uint8Array): Uint8Array {
    const shared = commonPrefixLength(previous, bytes);
    this.varint(shared);
    this.varint(bytes.length - shared);
    this.bytes(bytes.subarray(shared));
    return bytes;
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let size = this.buffer.length;
    while (size < this.length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}
