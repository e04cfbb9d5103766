import { describe, expect, it } from 'vitest';
import { isPeerFault } from '../../../src/p2p/block/index.ts';
import { decodeBindings, encodeBindings, MAX_BINDINGS, MAX_FRESH_MS, type GroupBinding } from '../../../src/p2p/bindings/index.ts';

const NOW = 1_800_000_000_000;
// sha2-256 multihash key of empty bytes: 0x12 0x20 + digest, base64url.
const MH = 'EiDjsMRCmPwcFJr79MiZb7kkJ65B5GSbk0yklZkbeFK4VQ';
const ok: GroupBinding = { url: 'https://static.test/app.js', mh: MH, freshUntil: NOW + 60_000, holders: 2, type: 'text/javascript', corsAnyOrigin: true };
const raw = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));

describe('the bindings answer', () => {
  it('round-trips what a member observed', () => {
    expect(decodeBindings(encodeBindings([ok]), NOW)).toEqual([ok]);
  });

  it('leaves out, when encoding, what could not travel', () => {
    const bad = [{ ...ok, url: 'http://static.test/app.js' }, { ...ok, url: `https://static.test/${'a'.repeat(3000)}` }, { ...ok, mh: 'nope' }];
    expect(decodeBindings(encodeBindings([...bad, ok]), NOW)).toEqual([ok]);
  });

  it('drops claims already stale and caps freshness at a year', () => {
    const far = { ...ok, url: 'https://static.test/b.js', freshUntil: NOW + 10 * MAX_FRESH_MS };
    expect(decodeBindings(raw({ bindings: [{ ...ok, freshUntil: NOW - 1 }, far] }), NOW)).toEqual([{ ...far, freshUntil: NOW + MAX_FRESH_MS }]);
  });

  it.each<[string, unknown]>([
    ['not JSON', 'garbage'],
    ['no array', { bindings: 3 }],
    ['http URL', { bindings: [{ ...ok, url: 'http://static.test/app.js' }] }],
    ['credentials in the URL', { bindings: [{ ...ok, url: 'https://u:p@static.test/app.js' }] }],
    ['a fragment', { bindings: [{ ...ok, url: 'https://static.test/app.js#x' }] }],
    ['a non-canonical URL', { bindings: [{ ...ok, url: 'HTTPS://static.test/app.js' }] }],
    ['an unknown multihash code', { bindings: [{ ...ok, mh: 'ESDjsMRCmPwcFJr79MiZb7kkJ65B5GSbk0yklZkbeFK4VQ' }] }],
    ['holders 0', { bindings: [{ ...ok, holders: 0 }] }],
    ['holders beyond the bound', { bindings: [{ ...ok, holders: 1001 }] }],
    ['a content type with a newline', { bindings: [{ ...ok, type: 'text/javascript\n' }] }],
    ['a fractional freshUntil', { bindings: [{ ...ok, freshUntil: NOW + 0.5 }] }],
    ['a string flag', { bindings: [{ ...ok, corsAnyOrigin: 'yes' }] }],
    ['too many records', { bindings: Array.from({ length: MAX_BINDINGS + 1 }, () => ok) }],
  ])('refuses %s as a peer fault', (_, v) => {
    const bytes = typeof v === 'string' ? new TextEncoder().encode(v) : raw(v);
    let err: unknown;
    try {
      decodeBindings(bytes, NOW);
    } catch (e) {
      err = e;
    }
    expect(isPeerFault(err)).toBe(true);
  });

  it('carries the sites a binding was loaded on, at most four host names, and refuses anything else there', () => {
    const withSites = { ...ok, sites: ['shop.test', 'blog.test'] };
    expect(decodeBindings(encodeBindings([withSites]), NOW)).toEqual([withSites]);
    for (const sites of [['a', 'b', 'c', 'd', 'e'], ['Shop.Test'], ['evil.test/path'], 'shop.test', [7]]) {
      const e = (() => { try { decodeBindings(raw({ bindings: [{ ...ok, sites }] }), NOW); } catch (x) { return x; } })();
      expect(isPeerFault(e)).toBe(true);
      expect(String(e)).toMatch(/sites is not a list of at most 4 host names/);
    }
  });

  it('refuses invalid UTF-8', () => {
    expect(() => decodeBindings(new Uint8Array([0x7b, 0xff, 0x7d]), NOW)).toThrow(/UTF-8 JSON/);
  });
});
