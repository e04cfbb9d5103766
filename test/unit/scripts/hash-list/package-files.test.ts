// The build's offline pieces on tarballs made here with the system `tar`, in the three
// header formats the reader must understand.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeHashList, parseHashList } from '../../../../src/core/hash-list/index.ts';
import { createFileFilter } from '../../../../scripts/hash-list/file-filter.ts';
import { listPackageFiles } from '../../../../scripts/hash-list/package-files.ts';
import { TarFormatError, readTgz } from '../../../../scripts/hash-list/tar-reader.ts';

const work = mkdtempSync(join(tmpdir(), 'peercache-hash-list-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Longer than the 100-byte ustar name field, so each format has to spell it its own way.
const LONG_PATH = `deep/${'d'.repeat(60)}/${'e'.repeat(60)}/f.css`;
const FILES: Record<string, string> = {
  'dist/lib.min.js': 'console.log("min")',
  'dist/lib.min.js.map': '{"version":3}',
  'dist/icon.svg': '<svg/>',
  'dist/empty.css': '',
  'fonts/a b.woff2': 'wOF2 not really',
  [LONG_PATH]: 'body{}',
  'package.json': '{"name":"lib"}',
};

/** A .tgz of FILES under `root/`, plus a symlink, in the given tar format. */
function makeTarball(format: 'ustar' | 'pax' | 'gnu', root = 'package'): Uint8Array {
  const dir = mkdtempSync(join(work, `${format}-`));
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(dir, root, path)), { recursive: true });
    writeFileSync(join(dir, root, path), text);
  }
  symlinkSync('dist/lib.min.js', join(dir, root, 'link.js'));
  const out = join(dir, 'out.tgz');
  execFileSync('tar', ['-czf', out, `--format=${format}`, '--sort=name', '--mtime=@0', '--owner=0', '--group=0', '-C', dir, root]);
  return readFileSync(out);
}

function sha384(text: string): Uint8Array {
  return new Uint8Array(createHash('sha384').update(text).digest());
}

describe('listPackageFiles', () => {
  it.each(['ustar', 'pax', 'gnu'] as const)('lists and hashes the servable files of a %s tarball', async (format) => {
    const { files, skipped } = await listPackageFiles(makeTarball(format), createFileFilter({}));
    expect(files.map((f) => f.path).sort()).toEqual([LONG_PATH, 'dist/lib.min.js', 'fonts/a b.woff2']);
    for (const file of files) expect(file.digest).toEqual(sha384(FILES[file.path]!));
    // The symlink is not a file; maps, SVG and package.json are not servable types.
    expect(skipped).toEqual({ type: 3, empty: 1 });
  });

  it('strips the top directory whatever it is called, as npm does', () => {
    expect(readTgz(makeTarball('ustar', 'jquery')).map((f) => f.path)).toContain('dist/lib.min.js');
  });

  it('is deterministic: the same tarballs give byte-identical lists, whatever the tar format', async () => {
    const build = async (format: 'ustar' | 'pax' | 'gnu') =>
      encodeHashList({
        generator: 'test/1',
        configHash: 'sha256-test',
        packages: [
          { name: 'lib', versions: [{ version: '1.0.0', ...(await listPackageFiles(makeTarball(format), createFileFilter({}))) }] },
        ],
      });
    const first = await build('ustar');
    expect(await build('ustar')).toEqual(first);
    expect(await build('gnu')).toEqual(first);
    const font = parseHashList(first).lookup('https://unpkg.com/lib@1.0.0/fonts/a%20b.woff2');
    expect(font?.digest).toEqual(sha384(FILES['fonts/a b.woff2']!));
  });
});

describe('readTgz refuses what it cannot read', () => {
  it('refuses bytes that are not gzip', () => {
    expect(() => readTgz(new TextEncoder().encode('not a tarball'))).toThrow(TarFormatError);
  });

  it('refuses a header whose checksum does not match', () => {
    const tar = new Uint8Array(1024);
    tar.set(new TextEncoder().encode('package/a.js'), 0);
    tar.set(new TextEncoder().encode('0000001\0'), 124);
    tar.set(new TextEncoder().encode('0000000\0'), 148);
    expect(() => readTgz(gzipSync(tar))).toThrow(/checksum/);
  });

  it('refuses an entry that runs past the end of the archive', () => {
    const tgz = makeTarball('ustar');
    const tar = new Uint8Array(execFileSync('gzip', ['-dc'], { input: tgz }));
    expect(() => readTgz(gzipSync(tar.subarray(0, 1024 + 100)))).toThrow(TarFormatError);
    expect(() => readTgz(gzipSync(tar.subarray(0, 2048)))).toThrow(/end-of-archive/);
  });
});
