import { defineConfig } from 'vitest/config';

// Three kinds of tests (style.md, principle 9), and properties fuzzed against oracles. E2E
// drives real browsers and writes machine-wide policy files, so its files run one at a time.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        // Property-based fuzzing against independent oracles (issue 10, item 6). A plain run
        // takes a few seconds of it; `npm run fuzz` raises FUZZ_RUNS (test/fuzz/support/runs.ts).
        test: {
          name: 'fuzz',
          include: ['test/fuzz/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/fuzz/support/count-setup.ts'],
          testTimeout: 1_200_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
