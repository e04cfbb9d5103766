import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestFor } from '../../../scripts/build/manifest.ts';
import { CHROME_EXTENSION_ID } from '../../../scripts/browsers/paths.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const source = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8'));

describe('per-browser manifests', () => {
  it('gives Chromium a service worker, its key and the managed schema, and no gecko block', () => {
    const m = manifestFor(source, 'chrome', '1.2.3');
    expect(m.background).toEqual({ service_worker: 'background.js' });
    expect(m.storage).toEqual({ managed_schema: 'managed_schema.json' });
    expect(m.key).toBe(source.key);
    expect(m.browser_specific_settings).toBeUndefined();
    expect(m.version).toBe('1.2.3');
    expect(m.permissions).toContain('declarativeNetRequest');
    expect(m.permissions).not.toContain('webRequestBlocking');
    // Learning reads a page's HTTP cache in that page's isolated world (platform/chromium/page-cache.ts).
    expect(m.permissions).toContain('scripting');
  });

  it('gives Firefox an event page and its fixed id, and none of Chromium\'s keys', () => {
    const m = manifestFor(source, 'firefox');
    expect(m.background).toEqual({ scripts: ['background.js'] });
    expect(m.key).toBeUndefined();
    expect(m.storage).toBeUndefined();
    expect(m.permissions).toContain('webRequestBlocking');
    // The packaged set is served by the same static ruleset in both browsers.
    expect(m.permissions).toContain('declarativeNetRequest');
    expect(m.permissions).not.toContain('offscreen');
    expect(m.permissions).not.toContain('scripting');
    expect((m.browser_specific_settings as { gecko: { id: string } }).gecko.id).toBe('peercache@peercache.dev');
  });

  it.each(['chrome', 'firefox'] as const)('keeps the %s build out of private windows and to HTTPS sites, its pages no looser than measured', (target) => {
    const m = manifestFor(source, target);
    // A private window's browsing must not land in a cache that outlives it (store-assets/PRIVACY.md).
    expect(m.incognito).toBe('not_allowed');
    expect(m.host_permissions).toEqual(['https://*/*']);
    // WebAssembly only: libp2p pnet's xsalsa20 compiles it on load; no eval, no remote code.
    expect((m.content_security_policy as { extension_pages: string }).extension_pages).toBe("script-src 'self' 'wasm-unsafe-eval'; object-src 'self'");
  });

  it('never rewrites the source manifest', () => {
    const before = JSON.stringify(source);
    manifestFor(source, 'chrome');
    manifestFor(source, 'firefox');
    expect(JSON.stringify(source)).toBe(before);
  });

  it('derives the documented Chromium extension ID from the key', () => {
    // Chromium: ID = first 32 hex digits of sha256(DER public key), each digit mapped 0-f -> a-p.
    const hex = createHash('sha256').update(Buffer.from(source.key, 'base64')).digest('hex').slice(0, 32);
    const id = [...hex].map((h) => String.fromCharCode(97 + parseInt(h, 16))).join('');
    expect(id).toBe(CHROME_EXTENSION_ID);
  });
});
