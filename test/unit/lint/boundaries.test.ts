import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** Lints fixture code as if it lived at `asPath`, with the repository's own config. */
async function ruleHits(fixture: string, asPath: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT, ignore: false });
  const code = readFileSync(join(ROOT, 'test/fixtures/lint', fixture), 'utf8');
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, asPath) });
  return (result?.messages ?? []).filter((m) => m.ruleId?.startsWith('no-restricted')).map((m) => `${m.line}:${m.ruleId}`);
}

describe('the lint enforces the architecture boundaries', () => {
  it('keeps src/core free of extension APIs, Node modules, I/O libraries and browser globals', async () => {
    expect(await ruleHits('src/core/violations.ts', 'src/core/violations.ts')).toEqual([
      '2:no-restricted-imports',
      '3:no-restricted-imports',
      '4:no-restricted-imports',
      '9:no-restricted-globals',
      '10:no-restricted-globals',
    ]);
  });

  it('keeps extension APIs out of every other folder', async () => {
    expect(await ruleHits('src/store/violations.ts', 'src/store/violations.ts')).toEqual(['2:no-restricted-imports', '5:no-restricted-globals']);
  });

  it('keeps src/store and src/p2p out of the extension and the LAN node, which both use them', async () => {
    const hits = ['2:no-restricted-imports', '3:no-restricted-imports'];
    expect(await ruleHits('src/p2p/reach.ts', 'src/p2p/reach.ts')).toEqual(hits);
    expect(await ruleHits('src/p2p/reach.ts', 'src/store/reach.ts')).toEqual(hits);
    // The extension and the node may use each room as they like.
    expect(await ruleHits('src/p2p/reach.ts', 'src/extension/peers/reach.ts')).toEqual([]);
  });

  it('allows them in src/extension/platform', async () => {
    expect(await ruleHits('src/store/violations.ts', 'src/extension/platform/violations.ts')).toEqual([]);
  });
});
