// `npm run hash-list`: builds extension/hash-list.bin, the public hash list (design:
// architecture.md, "Trust", source 2), from the npm tarballs of the package versions
// pinned in scripts/hash-list/packages.json. The same config gives the same bytes.
//
//   npm run hash-list                    build from the pinned versions (tarballs cached)
//   npm run hash-list -- --refresh       re-pin each package to its newest versions, then build
//   npm run hash-list -- --jobs 8        packages processed in parallel (default 6)
//   npm run hash-list -- --budget-mb 6   size of the packaged set (extension/pkg/)
//
// Besides the configured packages, the evidence in scripts/hash-list/evidence/ binds CDN URLs
// of other shapes (cdnjs, Google, Microsoft, code.jquery.com, BootstrapCDN) to npm files with
// the same digest (evidence.ts), and the most used of those files ship in the extension
// (packaged-set.ts). The report prints what each source bound and what it could not.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { encodeHashList, parseHashList, type HashListSourcePackage } from '../../src/core/hash-list/index.ts';
import { ROOT } from '../browsers/paths.ts';
import { listHash, readConfig, writeConfig, type HashListConfig } from './config.ts';
import { createFileFilter, type SkipReason } from './file-filter.ts';
import { defaultCacheDir, ensureTarballs, tarballPath } from './npm-pack.ts';
import { listPackageFiles } from './package-files.ts';
import { forEachLimited, refreshConfig } from './refresh.ts';
import { computeDigest } from '../../src/core/integrity/index.ts';
import type { HashListFileRef, HashListSourceAlias, HashListSourceFile } from '../../src/core/hash-list/index.ts';
import { readEvidence, type EvidenceBinding } from './evidence.ts';
import { collectEvidence, type EvidenceResult } from './evidence-collect.ts';
import { DEFAULT_PACKAGED_BUDGET_BYTES, choosePackagedSet, type PackagedSet } from './packaged-set.ts';
import { readTgz } from './tar-reader.ts';
import { coverageReport, tallyBySource } from './coverage.ts';

// Written into the list instead of a timestamp. Bump it whenever a change to these
// scripts (filters, format) changes the output for the same packages.json.
const GENERATOR = 'peercache-hash-list/2';

const CONFIG_PATH = join(import.meta.dirname, 'packages.json');
const OUTPUT_PATH = join(ROOT, 'extension', 'hash-list.bin');
const PACKAGED_DIR = join(ROOT, 'extension', 'pkg');
const COVERAGE_PATH = join(ROOT, 'docs', 'COVERAGE.md');

type SkipCounts = Partial<Record<SkipReason, number>>;

interface PackageReport {
  readonly pkg: HashListSourcePackage;
  readonly fetched: number;
  readonly files: number;
  readonly listedBytes: number;
  readonly skipped: SkipCounts;
}

/** Collect one package: fetch missing tarballs, then list every pinned version. */
async function collectPackage(config: HashListConfig, name: string, cacheDir: string): Promise<PackageReport> {
  const { versions, include, exclude = [] } = config.packages[name]!;
  const fetched = await ensureTarballs(cacheDir, name, versions);
  const filter = createFileFilter({ include, exclude: [...config.exclude, ...exclude] });
  const skipped: SkipCounts = {};
  let listedBytes = 0;
  let files = 0;
  const listed = [];
  for (const version of versions) {
    const result = await listPackageFiles(readFileSync(tarballPath(cacheDir, name, version)), filter);
    addCounts(skipped, result.skipped);
    listedBytes += result.listedBytes;
    files += result.files.length;
    listed.push({ version, files: result.files });
  }
  return { pkg: { name, versions: listed }, fetched, files, listedBytes, skipped };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      refresh: { type: 'boolean', default: false },
      jobs: { type: 'string', default: '6' },
      'budget-mb': { type: 'string', default: String(DEFAULT_PACKAGED_BUDGET_BYTES / 2 ** 20) },
    },
  });
  const budget = Number(values['budget-mb']) * 2 ** 20;
  if (!Number.isFinite(budget) || budget < 0) throw new RangeError('--budget-mb must be a non-negative number');
  const jobs = Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new RangeError('--jobs must be a positive integer');
  let config = readConfig(CONFIG_PATH);
  if (values.refresh) {
    console.log('refreshing pinned versions from the npm registry…');
    writeConfig(CONFIG_PATH, await refreshConfig(config, jobs));
    config = readConfig(CONFIG_PATH);
  }
  const names = Object.keys(config.packages).sort();
  const unpinned = names.filter((name) => config.packages[name]!.versions.length === 0);
  if (unpinned.length > 0) throw new RangeError(`no versions pinned for ${unpinned.join(', ')}: run with --refresh`);

  const started = performance.now();
  const cacheDir = defaultCacheDir(ROOT);
  const reports: PackageReport[] = [];
  await forEachLimited(names, jobs, async (name) => {
    const t0 = performance.now();
    const report = await collectPackage(config, name, cacheDir);
    reports.push(report);
    const versions = report.pkg.versions.map((v) => v.version).join(' ');
    const source = report.fetched > 0 ? `fetched ${report.fetched}` : 'cached';
    const counter = `[${String(reports.length).padStart(3)}/${names.length}]`;
    console.log(`${counter} ${name} ${versions}: ${report.files} files (${source}, ${seconds(performance.now() - t0)})`);
  });

  const { rows, malformed } = readEvidence();
  console.log(`evidence: ${rows.length} rows${malformed.length > 0 ? `, ${malformed.length} malformed lines skipped` : ''}; matching against npm tarballs…`);
  const evidence = await collectEvidence(rows, cacheDir, jobs);
  const tarballs = new TarballFiles(cacheDir);
  const packages = await mergeEvidence(reports.map((r) => r.pkg), evidence.bindings, tarballs);
  const aliases: HashListSourceAlias[] = evidence.bindings.map(({ url, packageName, version, path }) => ({ url, packageName, version, path }));
  const packagedSet = choosePackagedSet(evidence.bindings, (ref) => tarballs.read(ref), budget);
  await addFiles(packages, packagedSet.files, tarballs);
  const packaged: HashListFileRef[] = packagedSet.files.map(({ packageName, version, path }) => ({ packageName, version, path }));
  const bytes = encodeHashList({ generator: GENERATOR, configHash: listHash(config), packages, aliases, packaged });
  const t0 = performance.now();
  parseHashList(bytes); // the shipped file must parse; this also times the parse
  const parseMs = performance.now() - t0;
  writeFileSync(OUTPUT_PATH, bytes);
  writePackaged(packagedSet);
  writeFileSync(COVERAGE_PATH, coverageReport(rows, evidence, (ref) => tarballs.read(ref), budget));
  printReport(bytes, reports, performance.now() - started, parseMs);
  printEvidenceReport(evidence, packagedSet, budget);
}

/** Files of cached tarballs, read once per tarball. */
class TarballFiles {
  private readonly cache = new Map<string, Map<string, Uint8Array>>();
  private readonly cacheDir: string;

  constructor(cacheDir: string) {
    this.cacheDir = cacheDir;
  }

  read(ref: HashListFileRef): Uint8Array | undefined {
    const id = `${ref.packageName}@${ref.version}`;
    let files = this.cache.get(id);
    if (files === undefined) {
      files = new Map(readTgz(readFileSync(tarballPath(this.cacheDir, ref.packageName, ref.version))).map((f) => [f.path, f.data]));
      this.cache.set(id, files);
    }
    return files.get(ref.path);
  }
}

/** The configured packages plus every file the evidence bound (a version added if need be). */
async function mergeEvidence(packages: readonly HashListSourcePackage[], bindings: readonly EvidenceBinding[], tarballs: TarballFiles): Promise<HashListSourcePackage[]> {
  const merged = packages.map((p) => ({ name: p.name, versions: p.versions.map((v) => ({ version: v.version, files: [...v.files] })) }));
  await addFiles(merged, bindings, tarballs);
  return merged;
}

async function addFiles(packages: HashListSourcePackage[], refs: readonly HashListFileRef[], tarballs: TarballFiles): Promise<void> {
  for (const ref of refs) {
    let pkg = packages.find((p) => p.name === ref.packageName) as { name: string; versions: Array<{ version: string; files: HashListSourceFile[] }> } | undefined;
    if (pkg === undefined) {
      pkg = { name: ref.packageName, versions: [] };
      packages.push(pkg);
    }
    let version = pkg.versions.find((v) => v.version === ref.version);
    if (version === undefined) {
      version = { version: ref.version, files: [] };
      pkg.versions.push(version);
    }
    if (version.files.some((f) => f.path === ref.path)) continue;
    const data = tarballs.read(ref);
    if (data === undefined) throw new Error(`${ref.packageName}@${ref.version} has no file ${ref.path}`);
    version.files.push({ path: ref.path, digest: await computeDigest('sha384', data) });
  }
}

/** Replace extension/pkg/ with the packaged set, each file in its package's layout. */
function writePackaged(set: PackagedSet): void {
  rmSync(PACKAGED_DIR, { recursive: true, force: true });
  for (const file of set.files) {
    const target = join(PACKAGED_DIR, `${file.packageName}@${file.version}`, file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.data);
  }
}

function printEvidenceReport(evidence: EvidenceResult, set: PackagedSet, budget: number): void {
  console.log(`\nevidence (${evidence.versionsRead} npm versions read): URLs bound / not bound, by source`);
  for (const [source, e] of tallyBySource(evidence)) {
    const not = [...e.reasons].map(([r, n]) => `${r} ${n}`).join(', ');
    console.log(`  ${source.padEnd(36)} ${String(e.bound).padStart(5)} bound${not === '' ? '' : `; not: ${not}`}`);
  }
  const hosts = new Map<string, number>();
  for (const b of evidence.bindings) hosts.set(new URL(b.url).host, (hosts.get(new URL(b.url).host) ?? 0) + 1);
  console.log(`  aliases by host: ${[...hosts].sort((a, b) => b[1] - a[1]).map(([h, n]) => `${h} ${n}`).join(', ')}`);
  console.log(`coverage report: ${relative(ROOT, COVERAGE_PATH)}`);
  console.log(`packaged set: ${set.files.length} files, ${kib(set.bytes)} of ${kib(budget)} budget, in ${relative(ROOT, PACKAGED_DIR)}/`);
  if (set.skipped.length > 0) console.log(`  passed over: ${set.skipped.slice(0, 12).map((s) => `${s.ref} (${s.why})`).join('; ')}${set.skipped.length > 12 ? ` … ${set.skipped.length - 12} more` : ''}`);
}

function printReport(bytes: Uint8Array, reports: readonly PackageReport[], elapsedMs: number, parseMs: number): void {
  const { stats, meta } = parseHashList(bytes);
  const skipped: SkipCounts = {};
  for (const r of reports) addCounts(skipped, r.skipped);
  const assetBytes = reports.reduce((n, r) => n + r.listedBytes, 0);
  const digestBytes = stats.distinctHashes * 48;
  const gzipped = gzipSync(bytes, { level: 9 }).length;
  const largest = [...reports].sort((a, b) => b.files - a.files).slice(0, 8);
  console.log(`
wrote ${relative(ROOT, OUTPUT_PATH)} in ${seconds(elapsedMs)}
  packages        ${stats.packages}
  versions        ${stats.versions}
  files           ${stats.files} (${(assetBytes / 2 ** 20).toFixed(1)} MiB of assets)
  distinct hashes ${stats.distinctHashes}
  skipped files   ${Object.entries(skipped).map(([reason, n]) => `${reason} ${n}`).join(', ')}
  size raw        ${bytes.length} bytes (${kib(bytes.length)}, of which digests ${kib(digestBytes)})
  size gzip -9    ${gzipped} bytes (${kib(gzipped)})
  parse           ${parseMs.toFixed(1)} ms
  config          ${meta.configHash}
  most files      ${largest.map((r) => `${r.pkg.name} ${r.files}`).join(', ')}`);
}

function addCounts(into: SkipCounts, from: SkipCounts): void {
  for (const [reason, n] of Object.entries(from) as [SkipReason, number][]) into[reason] = (into[reason] ?? 0) + n;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function kib(n: number): string {
  return `${(n / 1024).toFixed(1)} KiB`;
}

try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
}
