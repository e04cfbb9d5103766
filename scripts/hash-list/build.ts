// `npm run hash-list`: builds extension/hash-list.bin, the public hash list (design:
// architecture.md, "Trust", source 2), from the npm tarballs of the package versions
// pinned in scripts/hash-list/packages.json. The same config gives the same bytes.
//
//   npm run hash-list                    build from the pinned versions (tarballs cached)
//   npm run hash-list -- --refresh       re-pin each package to its newest versions, then build
//   npm run hash-list -- --jobs 8        packages processed in parallel (default 6)
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { encodeHashList, parseHashList, type HashListSourcePackage } from '../../src/core/hash-list/index.ts';
import { ROOT } from '../browsers/paths.ts';
import { configHash, readConfig, writeConfig, type HashListConfig } from './config.ts';
import { createFileFilter, type SkipReason } from './file-filter.ts';
import { defaultCacheDir, ensureTarballs, tarballPath } from './npm-pack.ts';
import { listPackageFiles } from './package-files.ts';
import { forEachLimited, refreshConfig } from './refresh.ts';

// Written into the list instead of a timestamp. Bump it whenever a change to these
// scripts (filters, format) changes the output for the same packages.json.
const GENERATOR = 'peercache-hash-list/1';

const CONFIG_PATH = join(import.meta.dirname, 'packages.json');
const OUTPUT_PATH = join(ROOT, 'extension', 'hash-list.bin');

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
    options: { refresh: { type: 'boolean', default: false }, jobs: { type: 'string', default: '6' } },
  });
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

  const packages = reports.map((r) => r.pkg);
  const bytes = encodeHashList({ generator: GENERATOR, configHash: configHash(config), packages });
  const t0 = performance.now();
  parseHashList(bytes); // the shipped file must parse; this also times the parse
  const parseMs = performance.now() - t0;
  writeFileSync(OUTPUT_PATH, bytes);
  printReport(bytes, reports, performance.now() - started, parseMs);
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
