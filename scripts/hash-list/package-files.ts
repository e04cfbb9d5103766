// One package version's listed files: read from its tarball, filtered, hashed.
import type { HashListSourceFile } from '../../src/core/hash-list/index.ts';
import { computeDigest } from '../../src/core/integrity/index.ts';
import type { FileFilter, SkipReason } from './file-filter.ts';
import { readTgz } from './tar-reader.ts';

/** The files of one tarball that made the list, and counts of those that did not. */
export interface PackageFiles {
  readonly files: HashListSourceFile[];
  readonly skipped: Partial<Record<SkipReason, number>>;
  /** Total size of the listed files, for the report. */
  readonly listedBytes: number;
}

/** Read a .tgz, keep what `filter` accepts, and sha384 each kept file. */
export async function listPackageFiles(tgz: Uint8Array, filter: FileFilter): Promise<PackageFiles> {
  const files: HashListSourceFile[] = [];
  const skipped: Partial<Record<SkipReason, number>> = {};
  let listedBytes = 0;
  for (const { path, data } of readTgz(tgz)) {
    const reason = filter(path, data.length);
    if (reason !== undefined) {
      skipped[reason] = (skipped[reason] ?? 0) + 1;
      continue;
    }
    files.push({ path, digest: await computeDigest('sha384', data) });
    listedBytes += data.length;
  }
  return { files, skipped, listedBytes };
}
