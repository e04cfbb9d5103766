// `npm run docs`: regenerates the generated parts of README.md and docs/ADMIN.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../browsers/paths.ts';
import { withAdminBlocks } from './admin-doc.ts';
import { withSettingsTable } from './settings-table.ts';

const rewrite = (path: string, f: (doc: string) => string): void => writeFileSync(path, f(readFileSync(path, 'utf8')));
rewrite(join(ROOT, 'README.md'), withSettingsTable);
rewrite(join(ROOT, 'docs', 'ADMIN.md'), withAdminBlocks);
console.log('README.md and docs/ADMIN.md regenerated');
