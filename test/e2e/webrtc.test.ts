import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JQUERY } from './support/test-web.ts';

const ROOT = join(import.meta.dirname, '..', '..');
// WebRTC tests run in a network namespace with only loopback (platform-notes.md): ICE then
// offers 127.0.0.1 and nothing leaves the machine. Needs root, as CI and these machines have.
const canUnshare = process.getuid?.() === 0 && spawnSync('unshare', ['-n', 'true']).status === 0;

/** Runs a scenario script inside a fresh loopback-only namespace; returns its JSON result. */
function inNamespace(script: string, ...args: string[]): Record<string, unknown> {
  const argv = [join(ROOT, script), ...args].map((a) => `"${a}"`).join(' ');
  const out = execFileSync('unshare', ['-n', 'sh', '-c', `ip link set lo up && ip route add default dev lo src 127.0.0.1 && exec "${process.execPath}" ${argv}`], {
    cwd: ROOT,
    timeout: 150_000,
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1) as string);
}

describe.skipIf(!canUnshare)('browser to browser over WebRTC (loopback-only namespace)', () => {
  it.each([
    ['Chromium', 'Chromium'],
    ['Chromium', 'Firefox'],
    ['Firefox', 'Chromium'],
  ])('%s A serves %s B directly: B finds A through the LAN node and gets the file A learned from A', (a, b) => {
    const r = inNamespace('test/e2e/webrtc/scenario.ts', a.toLowerCase(), b.toLowerCase());
    // One match of the whole result: a failure shows the scenario's diagnostics too.
    expect(r).toMatchObject({
      bTitle: 'jquery 3.7.1',
      bLanBytesIn: JQUERY.bytes.length,
      nodeBytesOut: 0, // not through the LAN node
      bLearnBytes: 0, // and not downloaded again from the origin:
      originHitsFromB: 1, // the page's own request only
      bPageCacheBytes: 0, // B's page's CDN varies by Origin: not read from its HTTP cache
    });
    expect(r.error).toBeUndefined();
    // A sent it (the node, told A has it, fetches it too and cannot keep it).
    expect(r.aLanBytesOut).toBeGreaterThanOrEqual(JQUERY.bytes.length);
    expect(r.bDirectPeers).toBeGreaterThanOrEqual(1);
    // The LAN-only RTCPeerConnection (src/p2p/lan-rtc.ts) is in force in both browsers.
    const peers = r.peersAfter as Record<'a' | 'b', { remoteCandidates?: { accepted: number; refused: number } }>;
    expect((peers.a.remoteCandidates?.accepted ?? 0) + (peers.b.remoteCandidates?.accepted ?? 0)).toBeGreaterThan(0);
    expect((peers.a.remoteCandidates?.refused ?? 0) + (peers.b.remoteCandidates?.refused ?? 0)).toBe(0);
  }, 180_000);
});
