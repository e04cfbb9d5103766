// Reads the files of an npm package tarball (.tgz) in memory: no extraction to disk, so
// no tar CLI flags to get right and no way for a hostile archive to write through a
// symlink or outside a temporary directory. Formats: POSIX ustar (what npm publishes,
// via node-tar), with pax `path`/`size` records and GNU long names, which old packages have.
// Spec: https://pubs.opengroup.org/onlinepubs/9799919799/utilities/pax.html#tag_20_94_13
import { gunzipSync } from 'node:zlib';

/** A regular file of the archive. */
export interface TarFile {
  /** Path with the archive's top directory (`package/` in npm tarballs) removed. */
  readonly path: string;
  readonly data: Uint8Array;
}

/** The archive is not one this reader understands, or is damaged. */
export class TarFormatError extends Error {
  override name = 'TarFormatError';
}

const BLOCK = 512;
const decoder = new TextDecoder('utf-8', { fatal: true });

/** The regular files of a gzipped tarball, top directory stripped (as npm installs them). */
export function readTgz(tgz: Uint8Array): TarFile[] {
  let tar: Uint8Array;
  try {
    tar = gunzipSync(tgz);
  } catch (error) {
    throw new TarFormatError(`not gzip: ${(error as Error).message}`, { cause: error });
  }
  return readTar(tar).flatMap(({ path, data }) => {
    // npm strips the first component whatever it is called (old packages used their own
    // name instead of `package/`), and so does every CDN serving the files.
    const stripped = path.replace(/^(?:\.\/)*[^/]*\/?/, '');
    return stripped === '' ? [] : [{ path: stripped, data }];
  });
}

/** The regular files of an uncompressed tar archive; a later entry for the same path wins, as on extraction. */
export function readTar(tar: Uint8Array): TarFile[] {
  const files = new Map<string, Uint8Array>();
  let pending: { path?: string; size?: number } = {};
  let offset = 0;
  for (;;) {
    // Without the zero-block end marker the archive was cut short: some files would be
    // missing from the list without anyone noticing.
    if (offset + BLOCK > tar.length) throw new TarFormatError('archive ends without its end-of-archive marker');
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break;
    verifyChecksum(header, offset);
    const type = String.fromCharCode(header[156]!);
    const size = pending.size ?? readNumber(header.subarray(124, 136), offset);
    const start = offset + BLOCK;
    if (start + size > tar.length) throw new TarFormatError(`entry at ${offset} runs past the end of the archive`);
    const body = tar.subarray(start, start + size);
    offset = start + Math.ceil(size / BLOCK) * BLOCK;

    if (type === 'x') {
      pending = readPax(body);
    } else if (type === 'L') {
      pending = { ...pending, path: text(body).replace(/\0.*$/s, '') };
    } else if (type === 'g' || type === 'K') {
      // Global pax defaults and long link names do not name a file we keep.
    } else {
      const path = pending.path ?? headerPath(header);
      pending = {};
      // Only regular files ('0', or NUL from pre-POSIX tars). Links, directories and
      // devices are not files a CDN serves from the package.
      if (type === '0' || type === '\0') files.set(path, body);
    }
  }
  return [...files].map(([path, data]) => ({ path, data }));
}

function headerPath(header: Uint8Array): string {
  const name = cString(header.subarray(0, 100));
  const ustar = cString(header.subarray(257, 263)) === 'ustar';
  const prefix = ustar ? cString(header.subarray(345, 500)) : '';
  return prefix === '' ? name : `${prefix}/${name}`;
}

function readPax(body: Uint8Array): { path?: string; size?: number } {
  const out: { path?: string; size?: number } = {};
  let at = 0;
  // Records are "<length> <key>=<value>\n", the length counting the whole record.
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    const length = Number(text(body.subarray(at, space)));
    if (space === -1 || !Number.isInteger(length) || length <= 0 || at + length > body.length) {
      throw new TarFormatError('malformed pax record');
    }
    const record = text(body.subarray(space + 1, at + length - 1));
    const equals = record.indexOf('=');
    const key = record.slice(0, equals);
    const value = record.slice(equals + 1);
    if (key === 'path') out.path = value;
    if (key === 'size') out.size = Number(value);
    at += length;
  }
  if (out.size !== undefined && !Number.isSafeInteger(out.size)) throw new TarFormatError('malformed pax size');
  return out;
}

// Octal ASCII, or GNU base-256 (high bit of the first byte set) for sizes of 8 GiB and up.
function readNumber(field: Uint8Array, at: number): number {
  if (field[0]! & 0x80) {
    let value = field[0]! & 0x7f;
    for (const byte of field.subarray(1)) value = value * 256 + byte;
    if (!Number.isSafeInteger(value)) throw new TarFormatError(`size at ${at} is too large`);
    return value;
  }
  const digits = cString(field).trim();
  if (!/^[0-7]*$/.test(digits)) throw new TarFormatError(`bad octal number in header at ${at}`);
  return digits === '' ? 0 : parseInt(digits, 8);
}

// The checksum is the sum of all header bytes with its own field read as spaces; it catches
// a tarball that is not tar, or one cut in the wrong place, before its sizes are believed.
function verifyChecksum(header: Uint8Array, at: number): void {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  if (sum !== readNumber(header.subarray(148, 156), at)) throw new TarFormatError(`bad header checksum at ${at}`);
}

function cString(field: Uint8Array): string {
  const end = field.indexOf(0);
  return text(end === -1 ? field : field.subarray(0, end));
}

function text(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch (error) {
    throw new TarFormatError('a name in the archive is not UTF-8', { cause: error });
  }
}
