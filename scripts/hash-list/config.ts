// scripts/hash-list/packages.json: which packages and exact versions the public hash list
// covers, and which of their files are worth listing. Edited by hand or by `--refresh`.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isExactVersion, isPackageName } from '../../src/core/hash-list/index.ts';
import { compareVersions } from './semver.ts';

/** One package of the configuration. */
export interface PackageConfig {
  /** Exact versions, newest first. Empty for a package just added, until `--refresh` fills it. */
  readonly versions: readonly string[];
  /** Versions `--refresh` must keep even when newer ones exist (e.g. jquery 3.7.1, used by e2e tests). */
  readonly keep?: readonly string[];
  /** If present, only files matching one of these globs are listed (see file-filter.ts). */
  readonly include?: readonly string[];
  /** Files matching one of these globs are not listed, on top of the global `exclude`. */
  readonly exclude?: readonly string[];
  /** Why the filters above are what they are; not read by the build. */
  readonly note?: string;
}

/** The whole configuration. */
export interface HashListConfig {
  /** How many versions `--refresh` picks per package (besides `keep`). */
  readonly versionsPerPackage: number;
  /** Globs of files never listed, in any package. */
  readonly exclude: readonly string[];
  /** Why the global filters are what they are; not read by the build. */
  readonly note?: string;
  readonly packages: Readonly<Record<string, PackageConfig>>;
}

/** packages.json is not a valid configuration. */
export class HashListConfigError extends Error {
  override name = 'HashListConfigError';
}

/** Read and validate a configuration file. */
export function readConfig(path: string): HashListConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new HashListConfigError(`${path} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  return validateConfig(json);
}

/** Write a configuration in its canonical form. */
export function writeConfig(path: string, config: HashListConfig): void {
  writeFileSync(path, serializeConfig(config));
}

/**
 * The canonical text of a configuration: packages sorted by name, versions newest first,
 * two-space JSON. Its hash identifies the configuration in the generated list, so an
 * edit that only changes whitespace or order does not change the output.
 */
export function serializeConfig(config: HashListConfig): string {
  const packages: Record<string, PackageConfig> = {};
  for (const name of Object.keys(config.packages).sort()) {
    const pkg = config.packages[name]!;
    packages[name] = { ...pkg, versions: [...pkg.versions].sort((a, b) => compareVersions(b, a)) };
  }
  return `${toJson({ ...config, packages }, '')}\n`;
}

// JSON.stringify(value, null, 2), except that arrays of strings stay on one line: a
// package's versions read as one list, and the file stays short enough to review.
function toJson(value: unknown, indent: string): string {
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    return `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return JSON.stringify(value, null, 2);
  const inner = `${indent}  `;
  const fields = Object.entries(value).filter(([, v]) => v !== undefined);
  if (fields.length === 0) return '{}';
  return `{\n${fields.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${toJson(v, inner)}`).join(',\n')}\n${indent}}`;
}

/** `sha256-<hex>` of the canonical configuration text. */
export function configHash(config: HashListConfig): string {
  return `sha256-${createHash('sha256').update(serializeConfig(config)).digest('hex')}`;
}

/**
 * What identifies the inputs of a list: the configuration and every evidence file
 * (scripts/hash-list/evidence/), which together decide its bytes.
 */
export function listHash(config: HashListConfig, evidenceDir: string = join(import.meta.dirname, 'evidence')): string {
  const hash = createHash('sha256').update(configHash(config));
  for (const file of readdirSync(evidenceDir).sort()) hash.update(file).update(readFileSync(join(evidenceDir, file)));
  return `sha256-${hash.digest('hex')}`;
}

/** Check the shape of parsed JSON; throws {@link HashListConfigError} naming the first problem. */
export function validateConfig(json: unknown): HashListConfig {
  const root = object(json, 'packages.json');
  const versionsPerPackage = root.versionsPerPackage;
  if (!Number.isInteger(versionsPerPackage) || (versionsPerPackage as number) < 1) {
    throw new HashListConfigError('versionsPerPackage must be a positive integer');
  }
  strings(root.exclude, 'exclude');
  const packages = object(root.packages, 'packages');
  for (const [name, value] of Object.entries(packages)) {
    if (!isPackageName(name)) throw new HashListConfigError(`${JSON.stringify(name)} is not an npm package name`);
    const pkg = object(value, name);
    const versions = strings(pkg.versions, `${name}.versions`);
    for (const version of versions) {
      if (!isExactVersion(version)) throw new HashListConfigError(`${name}: ${JSON.stringify(version)} is not an exact version`);
    }
    if (new Set(versions).size !== versions.length) throw new HashListConfigError(`${name}.versions has duplicates`);
    for (const kept of pkg.keep === undefined ? [] : strings(pkg.keep, `${name}.keep`)) {
      if (!versions.includes(kept)) throw new HashListConfigError(`${name}.keep has ${kept}, which is not in versions`);
    }
    if (pkg.include !== undefined) strings(pkg.include, `${name}.include`);
    if (pkg.exclude !== undefined) strings(pkg.exclude, `${name}.exclude`);
  }
  return json as HashListConfig;
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HashListConfigError(`${what} must be an object`);
  }
  return value as Record<string, unknown>;
}

function strings(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new HashListConfigError(`${what} must be an array of strings`);
  }
  return value;
}
