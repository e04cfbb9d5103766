/**
 * A hosted block read from disk as the block server sends it (issue 10, item 4): one piece at a
 * time, hashed as it is read, so a stream holds about one piece (64 KiB) however slowly its
 * peer reads, instead of the whole block (up to 16 MiB) as `HostedCache.get` does.
 *
 * The hash is checked before the LAST piece is handed out: a file changed on disk behind our
 * back (bit rot, a bad restore, an admin) then ends the stream with an error, which the block
 * server turns into a reset, so the peer never holds a complete wrong block and does not take
 * the node for a liar (a reset is not a peer fault; wrong bytes would be). The peer verifies
 * everything anyway. The caller deletes the file (`onCorrupt`).
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { digestsEqual, keyToMultihash } from '../core/integrity/index.ts';
import type { BlockBody } from '../p2p/block/index.ts';
import { BlockMismatchError } from './errors.ts';

/**
 * The body of block `key` in the open file `handle`, whose size was `length` when opened. The
 * handle is closed once the pieces are read, or by `close()`, whichever comes first.
 */
export function blockFileBody(handle: FileHandle, key: string, length: number, onCorrupt: (why: string) => Promise<void>): BlockBody {
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => (closed ??= handle.close().catch(() => undefined));
  const { algorithm, digest } = keyToMultihash(key);

  async function* chunks(maxChunkBytes: number): AsyncGenerator<Uint8Array> {
    const hash = createHash(algorithm);
    const corrupt = async (why: string): Promise<never> => {
      await close();
      await onCorrupt(why);
      throw new BlockMismatchError(`hosted block ${key} ${why}`);
    };
    try {
      let offset = 0;
      if (length === 0 && !digestsEqual(new Uint8Array(hash.digest()), digest)) await corrupt('does not hash to its key');
      while (offset < length) {
        // A fresh buffer per piece: the stream may still hold the last one until it is sent.
        const piece = new Uint8Array(Math.min(maxChunkBytes, length - offset));
        for (let filled = 0; filled < piece.length;) {
          const { bytesRead } = await handle.read(piece, filled, piece.length - filled, offset + filled);
          if (bytesRead === 0) await corrupt(`ended after ${offset + filled} of ${length} bytes`);
          filled += bytesRead;
        }
        offset += piece.length;
        hash.update(piece);
        if (offset === length && !digestsEqual(new Uint8Array(hash.digest()), digest)) await corrupt('does not hash to its key');
        yield piece;
      }
    } finally {
      await close();
    }
  }

  return { length, chunks, close };
}
