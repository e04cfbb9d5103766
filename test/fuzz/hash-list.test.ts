// The public hash list's decoder (src/core/hash-list/decode.ts). An update may be damaged or
// tampered with, so any bytes must be refused whole with our named errors, and the format's
// promise must hold for every list it accepts: equal content has exactly one encoding, so the
// bytes accepted are the bytes the encoder writes for what was decoded.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CorruptHashListError,
  UnsupportedHashListError,
  decodeHashList,
  encodeHashList,
  parseHashList,
  type DecodedHashList,
  type HashListSource,
} from '../../src/core/hash-list/index.ts';
import { checkProperty, onlyThrows } from './support/runs.ts';

/** The source a decoded list stands for: what the encoder must turn back into the same bytes. */
function sourceOf(list: DecodedHashList): HashListSource {
  const digest = (i: number) => list.digests.slice(i * 48, (i + 1) * 48);
  const ref = (r: { packageIndex: number; versionIndex: number; pathIndex: number }) => {
    const pkg = list.packages[r.packageIndex]!;
    return { packageName: pkg.name, version: pkg.versions[r.versionIndex]!.version, path: pkg.paths[r.pathIndex]! };
  };
  return {
    generator: list.generator,
    configHash: list.configHash,
    packages: list.packages.map((pkg) => ({
      name: pkg.name,
      versions: pkg.versions.map((v) => ({
        version: v.version,
        files: [...v.pathIndices].map((p, i) => ({ path: pkg.paths[p]!, digest: digest(v.digestIndices[i]!) })),
      })),
    })),
    aliases: list.aliases.map((a) => ({ url: a.url, ...ref(a) })),
    packaged: list.packaged.map(ref),
  };
}

// Names drawn from small pools, so packages share paths, files share digests and front coding
// has long shared prefixes; odd characters (a BOM, non-ASCII, `@`, spaces) included on purpose.
const segment = fc.constantFrom('dist', 'js', 'lib.min.js', 'lib.css', 'é.js', '\ufeffx.js', 'a b', 'umd@1+x.js', 'd', 'dist.js');
const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
const version = fc.oneof(
  fc.tuple(fc.nat(12), fc.nat(3), fc.nat(20)).map((v) => v.join('.')),
  fc.constantFrom('1.0.0-rc.1', '2.0.0-beta.1', '1.0.0-0'),
);
const packageName = fc.constantFrom('lib', 'jquery', '@scope/pkg', 'a', 'a-b', '@s/a.b');
const digestPool = fc.array(fc.uint8Array({ minLength: 48, maxLength: 48 }), { minLength: 1, maxLength: 4 });

const source: fc.Arbitrary<HashListSource> = digestPool.chain((digests) => {
  const file = fc.record({ path, digest: fc.constantFrom(...digests) });
  const versionArb = fc.record({ version, files: fc.uniqueArray(file, { selector: (f) => f.path, maxLength: 4 }) });
  const pkg = fc.record({ name: packageName, versions: fc.uniqueArray(versionArb, { selector: (v) => v.version, maxLength: 3 }) });
  return fc
    .record({
      generator: fc.oneof(fc.string({ maxLength: 12 }), fc.constant('\ufeffgen')),
      configHash: fc.string({ maxLength: 12, unit: 'grapheme' }),
      packages: fc.uniqueArray(pkg, { selector: (p) => p.name, maxLength: 3 }),
    })
    .chain((s) => {
      const files = s.packages.flatMap((p) => p.versions.flatMap((v) => v.files.map((f) => ({ packageName: p.name, version: v.version, path: f.path }))));
      if (files.length === 0) return fc.constant(s);
      const host = fc.constantFrom('cdnjs.cloudflare.com', 'ajax.googleapis.com', 'code.jquery.com');
      const alias = fc.tuple(host, fc.array(fc.constantFrom('ajax', 'libs', 'x.js', 'jquery-3.7.1.min.js', 'a~b'), { minLength: 1, maxLength: 3 }), fc.constantFrom(...files));
      return fc.record({
        generator: fc.constant(s.generator),
        configHash: fc.constant(s.configHash),
        packages: fc.constant(s.packages),
        aliases: fc.uniqueArray(alias.map(([h, p, f]) => ({ url: `https://${h}/${p.join('/')}`, ...f })), { selector: (a) => a.url, maxLength: 3 }),
        packaged: fc.uniqueArray(fc.constantFrom(...files), { selector: (f) => `${f.packageName}@${f.version}/${f.path}`, maxLength: 3 }),
      });
    });
});

// A valid list, then damaged: bytes changed, cut, inserted or removed.
const damaged = fc
  .tuple(source.map(encodeHashList), fc.array(fc.tuple(fc.constantFrom('set', 'insert', 'delete', 'cut'), fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }))
  .map(([bytes, edits]) => {
    let out = [...bytes];
    for (const [kind, at, value] of edits) {
      const i = at % (out.length + 1);
      if (kind === 'set' && i < out.length) out[i] = value;
      else if (kind === 'insert') out.splice(i, 0, value);
      else if (kind === 'delete') out.splice(i, 1);
      else if (kind === 'cut') out = out.slice(0, i);
    }
    return Uint8Array.from(out);
  });

/** Index of `needle` in `hay`, or -1. */
function indexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

const utf8 = new TextEncoder();
// A valid list whose front coding shares one byte less than it could somewhere: the same
// content spelled a second way, which random damage almost never produces.
const unshared = source.map(encodeHashList).chain((bytes) => {
  const decoded = decodeHashList(bytes);
  const spelled: Uint8Array[] = [];
  const strings = [...decoded.packages.map((p) => p.paths), decoded.aliases.map((a) => a.url)];
  for (const list of strings) {
    for (let i = 1; i < list.length; i++) {
      const [a, b] = [utf8.encode(list[i - 1]!), utf8.encode(list[i]!)];
      let shared = 0;
      while (shared < a.length && shared < b.length && a[shared] === b[shared]) shared++;
      if (shared === 0 || shared > 127 || b.length - shared > 126) continue;
      const canonical = Uint8Array.from([shared, b.length - shared, ...b.subarray(shared)]);
      const at = indexOfBytes(bytes, canonical);
      if (at === -1) continue;
      const loose = Uint8Array.from([shared - 1, b.length - shared + 1, ...b.subarray(shared - 1)]);
      spelled.push(Uint8Array.from([...bytes.subarray(0, at), ...loose, ...bytes.subarray(at + canonical.length)]));
    }
  }
  return spelled.length === 0 ? fc.constant(bytes) : fc.constantFrom(...spelled);
});

describe('hash list', () => {
  it('decodes what the encoder writes, and writes the same bytes again from what it decoded', () =>
    checkProperty(
      fc.property(source, (src) => {
        const bytes = encodeHashList(src);
        const decoded = decodeHashList(bytes);
        expect(decoded.generator).toBe(src.generator);
        expect(decoded.configHash).toBe(src.configHash);
        expect(decoded.packages.map((p) => p.name).sort()).toEqual(src.packages.map((p) => p.name).sort());
        expect(encodeHashList(sourceOf(decoded))).toEqual(bytes);
      }),
      0.5,
    ));

  it('refuses damaged or arbitrary bytes with its own errors only, and accepts only canonical lists', () =>
    checkProperty(
      fc.property(fc.oneof(damaged, damaged, unshared, fc.uint8Array({ maxLength: 200 }).map((b) => Uint8Array.from([0x50, 0x43, 0x48, 0x4c, 2, 0x20, ...b]))), (bytes) => {
        const decoded = onlyThrows(() => decodeHashList(bytes), CorruptHashListError, UnsupportedHashListError);
        if (decoded instanceof Error) return;
        expect(encodeHashList(sourceOf(decoded))).toEqual(bytes);
        parseHashList(bytes); // the index is built from any accepted list without throwing
      }),
      0.5,
    ));
});
