import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canUnshare, makeStoreAssets } from '../../scripts/store-assets.ts';

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string): [number, number] {
  const b = readFileSync(path);
  expect(b.subarray(1, 4).toString()).toBe('PNG');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

describe('store assets', () => {
  it('regenerate from the build in real Chromium, at the sizes the stores ask for', async () => {
    const out = mkdtempSync(join(tmpdir(), 'peercache-store-assets-'));
    const written = await makeStoreAssets(out);
    // The LAN screenshot's browsers meet over WebRTC in a loopback-only namespace (root only).
    const screenshots = ['options', 'popup', ...(canUnshare ? ['lan'] : [])].map((s) => `screenshots/${s}-1280x800.png`);
    expect(written.map((p) => p.slice(out.length + 1)).sort()).toEqual(['promo-tile-440x280.png', ...screenshots].sort());
    for (const shot of screenshots) expect(pngSize(join(out, shot)), shot).toEqual([1280, 800]);
    expect(pngSize(join(out, 'promo-tile-440x280.png'))).toEqual([440, 280]);
  }, 300_000);
});
