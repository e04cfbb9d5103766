// Turns the evidence rows into bindings: fetch (or reuse) the tarball of every candidate npm
// version, index its files by digest, and match (evidence.ts). Network: the npm registry only,
// through npm's own client, as for the configured packages (npm-pack.ts).
import { readFileSync } from 'node:fs';
import { createFileFilter } from './file-filter.ts';
import { ensureTarballs, tarballPath } from './npm-pack.ts';
import { fetchRegistryVersions, forEachLimited } from './refresh.ts';
import { readTgz } from './tar-reader.ts';
import { indexFiles, matchEvidence, type Candidate, type EvidenceBinding, type EvidenceRow, type FilesByDigest, type Unmatched } from './evidence.ts';

/** What the evidence bound, and what it could not. */
export interface EvidenceResult {
  readonly bindings: EvidenceBinding[];
  readonly unmatched: Array<{ row: EvidenceRow; reason: Unmatched }>;
  /** npm versions the evidence made us read. */
  readonly versionsRead: number;
}

// Files a CDN might serve that the list may hold at all: the type, size and path rules of
// every package, without its include/exclude globs (evidence outranks our guess of what
// pages load).
const servable = createFileFilter({});

/** Match `rows` against npm tarballs, fetching the missing ones into `cacheDir`. */
export async function collectEvidence(rows: readonly EvidenceRow[], cacheDir: string, jobs: number): Promise<EvidenceResult> {
  const wanted = new Map<string, Set<string>>();
  for (const row of rows) {
    for (const c of row.candidates) {
      const versions = wanted.get(c.packageName) ?? new Set<string>();
      versions.add(c.version);
      wanted.set(c.packageName, versions);
    }
  }
  const needs = new Map<string, Set<EvidenceRow['algorithm']>>();
  for (const row of rows) {
    for (const c of row.candidates) {
      const id = candidateId(c);
      const algorithms = needs.get(id) ?? new Set();
      algorithms.add(row.algorithm);
      needs.set(id, algorithms);
    }
  }
  const indexes = new Map<string, FilesByDigest>();
  await forEachLimited([...wanted.keys()].sort(), jobs, async (name) => {
    let published: ReadonlySet<string>;
    try {
      published = new Set((await fetchRegistryVersions(name)).versions);
    } catch {
      return; // no such package on npm: its rows stay unmatched ('no-such-version')
    }
    const versions = [...wanted.get(name)!].filter((v) => published.has(v)).sort();
    if (versions.length === 0) return;
    await ensureTarballs(cacheDir, name, versions);
    for (const version of versions) {
      const files = readTgz(readFileSync(tarballPath(cacheDir, name, version))).filter(
        ({ path, data }) => servable(path, data.length) === undefined,
      );
      // Indexed now, bytes let go: hundreds of tarballs do not fit in memory at once.
      const id = candidateId({ packageName: name, version });
      indexes.set(id, indexFiles(files, needs.get(id) ?? []));
    }
  });
  const { bindings, unmatched } = matchEvidence(rows, (c) => indexes.get(candidateId(c)));
  return { bindings, unmatched, versionsRead: indexes.size };
}

function candidateId(c: Candidate): string {
  return `${c.packageName}@${c.version}`;
}
