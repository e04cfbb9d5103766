/**
 * Global setup of the fuzz project: gives the files a directory for their tallies
 * (runs.ts) and prints the total once all have run, the figure `npm run fuzz` reports.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'peercache-fuzz-'));
  project.provide('fuzzCountDir', dir);
  return () => {
    const files = readdirSync(dir);
    const cases = files.reduce((sum, name) => sum + (JSON.parse(readFileSync(join(dir, name), 'utf8')) as { cases: number }).cases, 0);
    console.log(`fuzz: ${cases} cases passed in ${files.length} files (FUZZ_RUNS=${process.env.FUZZ_RUNS ?? 'unset, CI share'})`);
    rmSync(dir, { recursive: true, force: true });
  };
}
