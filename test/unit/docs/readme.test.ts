import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withSettingsTable } from '../../../scripts/docs/settings-table.ts';
import { CHROME_EXTENSION_ID, GECKO_ID } from '../../../scripts/browsers/paths.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('README.md', () => {
  it('has the settings table of the current schema (run `npm run docs` after changing it)', () => {
    expect(readme).toBe(withSettingsTable(readme));
  });

  it('starts with the two commands: run the product, run every test', () => {
    const commands = [...readme.slice(0, 1500).matchAll(/^(bash [^\n]+)$/gm)].map((m) => m[1]);
    expect(commands.slice(0, 2)).toEqual(['bash scripts/setup.sh && npm start', 'bash scripts/setup.sh && npm test']);
    // CI runs the README's test command, exactly.
    expect(readFileSync(join(ROOT, '.ci/run'), 'utf8')).toContain(`\n${commands[1]}\n`);
  });

  it('states the extension IDs the build really produces', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8'));
    expect(manifest.browser_specific_settings.gecko.id).toBe(GECKO_ID);
    expect(readme).toContain(CHROME_EXTENSION_ID);
    expect(readme).toContain(GECKO_ID);
  });
});
