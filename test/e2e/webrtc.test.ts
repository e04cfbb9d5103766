import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JQUERY } from './support/test-web.ts';

const ROOT = join(import.meta.dirname, '..', '..');
// WebRTC tests run in a network namespace with only loopback (platform-notes.md): ICE then
// offers 127.0.0.1 and nothing leaves the machine. Needs root, as CI and these machines have.
const canUnshare = process.getuid?.() === 0 && spawnSync('unshare', ['-n', 'true']).status === 0;

describe.skipIf(!canUnshare)('browser to browser over WebRTC (Chromium, loopback-only namespace)', () => {
  it('B finds A through the LAN node, connects directly and gets the file A learned from A', () => {
    const script = join(ROOT, 'test/e2e/webrtc/scenario.ts');
    const out = execFileSync('unshare', ['-n', 'sh', '-c', `ip link set lo up && ip route add default dev lo src 127.0.0.1 && exec "${process.execPath}" "${script}"`], {
      cwd: ROOT,
      timeout: 150_000,
      encoding: 'utf8',
    });
    const r = JSON.parse(out.trim().split('\n').at(-1) as string);
    expect(r.error).toBeUndefined();
    expect(r.bDirectPeers).toBeGreaterThanOrEqual(1);
    expect(r.bLanBytesIn).toBe(JQUERY.bytes.length);
    expect(r.nodeBytesOut).toBe(0); // not through the LAN node: straight from A
    expect(r.bLearnBytes).toBe(0); // and not downloaded again from the origin
  }, 180_000);
});
