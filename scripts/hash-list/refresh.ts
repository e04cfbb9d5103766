// `npm run hash-list -- --refresh`: re-pins every package of packages.json to its newest
// stable versions, asking the registry through npm's own client.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { HashListConfig, PackageConfig } from './config.ts';
import { compareVersions, isStable, parseVersion } from './semver.ts';

const run = promisify(execFile);

/** What the registry says about a package. */
export interface RegistryVersions {
  readonly versions: readonly string[];
  readonly distTags: Readonly<Record<string, string>>;
}

/**
 * The versions to list: the newest stable version of each of the newest `count`
 * major.minor lines (lines, not patches, because sites pin `x.y.z` across many lines and
 * patches of one line mostly share files), topped up with further patches when there are
 * fewer lines; plus `keep`. Versions above the `latest` dist-tag are skipped: a package
 * that publishes a release without making it `latest` has not meant it for general use.
 * Newest first.
 */
export function chooseVersions(registry: RegistryVersions, count: number, keep: readonly string[] = []): string[] {
  const latest = registry.distTags.latest;
  const ceiling = latest !== undefined && isStable(latest) ? latest : undefined;
  const stable = registry.versions
    .filter((v) => isStable(v) && (ceiling === undefined || compareVersions(v, ceiling) <= 0))
    .sort((a, b) => compareVersions(b, a));
  const chosen: string[] = [];
  const lines = new Set<string>();
  for (const version of stable) {
    const { major, minor } = parseVersion(version)!;
    if (chosen.length < count && !lines.has(`${major}.${minor}`)) {
      lines.add(`${major}.${minor}`);
      chosen.push(version);
    }
  }
  for (const version of stable) {
    if (chosen.length >= count) break;
    if (!chosen.includes(version)) chosen.push(version);
  }
  for (const version of keep) {
    if (!registry.versions.includes(version)) throw new RangeError(`kept version ${version} is not published`);
    if (!chosen.includes(version)) chosen.push(version);
  }
  return chosen.sort((a, b) => compareVersions(b, a));
}

/** `npm view <name> versions dist-tags --json`. */
export async function fetchRegistryVersions(name: string): Promise<RegistryVersions> {
  const { stdout } = await run('npm', ['view', name, 'versions', 'dist-tags', '--json'], { maxBuffer: 64 << 20 });
  const json = JSON.parse(stdout) as { versions?: string | string[]; 'dist-tags'?: Record<string, string> };
  // npm prints a bare string instead of an array when a package has a single version.
  const versions = typeof json.versions === 'string' ? [json.versions] : (json.versions ?? []);
  return { versions, distTags: json['dist-tags'] ?? {} };
}

/** A copy of `config` with every package's versions re-chosen; logs what changed. */
export async function refreshConfig(config: HashListConfig, jobs: number): Promise<HashListConfig> {
  const names = Object.keys(config.packages).sort();
  const refreshed: Record<string, PackageConfig> = {};
  await forEachLimited(names, jobs, async (name) => {
    const pkg = config.packages[name]!;
    const versions = chooseVersions(await fetchRegistryVersions(name), config.versionsPerPackage, pkg.keep);
    const before = [...pkg.versions].sort((a, b) => compareVersions(b, a)).join(', ');
    if (before !== versions.join(', ')) console.log(`  ${name}: ${before} -> ${versions.join(', ')}`);
    refreshed[name] = { ...pkg, versions };
  });
  return { ...config, packages: refreshed };
}

/** Run `task` over `items` with at most `limit` running at once; rejects on the first failure. */
export async function forEachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
