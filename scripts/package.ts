// `npm run package`: the store uploads, dist/packages/peercache-<browser>-<version>.zip, made
// from the built dist/<browser>/ by web-ext (a deterministic zip of exactly those files).
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './browsers/paths.ts';

const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
const out = join(ROOT, 'dist', 'packages');
rmSync(out, { recursive: true, force: true });
for (const browser of ['chrome', 'firefox']) {
  const filename = `peercache-${browser}-${version}.zip`;
  // The manifest `key` pins the ID of the UNPACKED extension only; the Chrome Web Store
  // assigns its own and refuses uploads that carry one.
  const stage = join(out, `.stage-${browser}`);
  cpSync(join(ROOT, 'dist', browser), stage, { recursive: true });
  const manifestPath = join(stage, 'manifest.json');
  const { key: _key, ...manifest } = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  execFileSync(
    join(ROOT, 'node_modules', '.bin', 'web-ext'),
    ['build', '--source-dir', stage, '--artifacts-dir', out, '--filename', filename, '--overwrite-dest'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  rmSync(stage, { recursive: true });
  console.log(`wrote dist/packages/${filename}`);
}
