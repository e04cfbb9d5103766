// The BUILT bundles (npm test and npm run test:e2e build first), against their budgets (issue 11,
// size): every browser context parses its bundle on each start, Firefox's event page on every wake.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleSizes, formatSizes, withinBudget } from '../../scripts/build/bundle-sizes.ts';

const DIST = join(import.meta.dirname, '..', '..', 'dist');

/**
 * The npm packages a bundle holds, each with the node_modules folders its code came from. The
 * build keeps output readable (webpack.config.js), so each module webpack concatenated starts
 * with a `;// ./node_modules/<package>/<file>` line; the libp2p stack is all ES modules, so all
 * of it is named this way.
 */
function bundledPackages(bundle: string): Map<string, Set<string>> {
  const folders = new Map<string, Set<string>>();
  for (const [, folder, name] of bundle.matchAll(/^;\/\/ \.\/(.*node_modules\/((?:@[^/\s]+\/)?[^/\s]+))\//gm)) {
    if (!folders.has(name!)) folders.set(name!, new Set());
    folders.get(name!)!.add(folder!);
  }
  return folders;
}

describe('built bundles', () => {
  const sizes = bundleSizes(DIST);

  it('are each within their budget', () => {
    expect(sizes.map((b) => b.name)).toContain('offscreen.js');
    expect(sizes.filter((b) => !withinBudget(b)), `\n${formatSizes(sizes)}\n`).toEqual([]);
  });

  it('hold one copy of each npm package', () => {
    const seen = { chrome: new Set<string>(), firefox: new Set<string>() };
    for (const b of sizes) {
      const packages = bundledPackages(readFileSync(join(DIST, b.target, b.name), 'utf8'));
      for (const name of packages.keys()) seen[b.target].add(name);
      const twice = [...packages].filter(([, folders]) => folders.size > 1).map(([name, folders]) => `${name}: ${[...folders].join(', ')}`);
      expect(twice, `${b.target}/${b.name}`).toEqual([]);
    }
    // The check must see the libp2p stack to mean anything.
    for (const target of ['chrome', 'firefox'] as const) {
      expect([...seen[target]], target).toEqual(expect.arrayContaining(['libp2p', '@chainsafe/libp2p-noise', 'protons-runtime', 'uint8arrays', 'multiformats']));
      // @libp2p/webrtc depends on @libp2p/noise, the same noise code under its new name, for WebRTC
      // Direct only, which PeerCache never dials, so webpack leaves it out. Were it bundled, noise
      // would be there twice.
      expect([...seen[target]], target).not.toContain('@libp2p/noise');
    }
  });
});
