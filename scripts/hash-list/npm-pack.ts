// Package tarballs come from `npm pack <name>@<version>`: npm's own client fetches the
// registry tarball and checks it against the registry's `dist.integrity` before writing it.
// They are cached under node_modules/.cache (ignored by git), so a rebuild is offline.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where tarballs are kept between builds. */
export function defaultCacheDir(root: string): string {
  return join(root, 'node_modules', '.cache', 'peercache-hash-list');
}

/** The cached tarball of `name@version` (the `/` of a scope becomes `+`). */
export function tarballPath(cacheDir: string, name: string, version: string): string {
  return join(cacheDir, `${name.replace('/', '+')}@${version}.tgz`);
}

/** `npm pack` failed, or did not produce the tarballs asked for. */
export class NpmPackError extends Error {
  override name = 'NpmPackError';
}

interface PackResult {
  readonly name: string;
  readonly version: string;
  readonly filename: string;
}

/**
 * Make sure the tarballs of `name` at `versions` are in `cacheDir`, fetching the missing
 * ones with one `npm pack` call. Resolves to how many were fetched.
 */
export async function ensureTarballs(cacheDir: string, name: string, versions: readonly string[]): Promise<number> {
  const missing = versions.filter((v) => !existsSync(tarballPath(cacheDir, name, v)));
  if (missing.length === 0) return 0;
  mkdirSync(cacheDir, { recursive: true });
  // A private directory per call: parallel packs never see each other's files, and a
  // half-written tarball never gets the name the cache checks for.
  const staging = mkdtempSync(join(cacheDir, '.pack-'));
  try {
    const specs = missing.map((v) => `${name}@${v}`);
    let stdout: string;
    try {
      ({ stdout } = await run(
        'npm',
        ['pack', ...specs, '--pack-destination', staging, '--json', '--ignore-scripts', '--loglevel', 'error'],
        { maxBuffer: 256 << 20 },
      ));
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      throw new NpmPackError(`npm pack ${specs.join(' ')} failed: ${stderr.trim() || (error as Error).message}`, { cause: error });
    }
    const results = JSON.parse(stdout) as PackResult[];
    for (const version of missing) {
      const result = results.find((r) => r.name === name && r.version === version);
      if (result === undefined) throw new NpmPackError(`npm pack did not report ${name}@${version}`);
      renameSync(join(staging, result.filename), tarballPath(cacheDir, name, version));
    }
    return missing.length;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
