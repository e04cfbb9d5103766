// `npm run docs`: regenerates the generated parts of the docs.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../browsers/paths.ts';
import { withSettingsTable } from './settings-table.ts';

const path = join(ROOT, 'README.md');
writeFileSync(path, withSettingsTable(readFileSync(path, 'utf8')));
console.log('README.md settings table regenerated');
