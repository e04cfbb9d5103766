/**
 * A block's bytes as the block server sends them: piece by piece, so that a server reading from
 * disk holds about one piece per stream, not the whole block (issue 10, item 4: a peer that
 * opens many streams and never reads made the LAN node hold a whole block for each).
 */

/** A block to send: its length, then its bytes in order. */
export interface BlockBody {
  /** Bytes the body yields in all; announced before the first one is read. */
  readonly length: number;
  /**
   * The bytes, in pieces of at most `maxChunkBytes`. May throw part way (a file found corrupt):
   * the server then resets the stream, so the peer never gets a complete wrong block.
   */
  chunks(maxChunkBytes: number): AsyncIterable<Uint8Array>;
  /** Releases what the body holds (a file handle) whether or not it was read; idempotent. */
  close?(): Promise<void>;
}

/** A body over bytes already in memory (the browser's blocks come whole from IndexedDB). */
export function bodyOfBytes(bytes: Uint8Array): BlockBody {
  return {
    length: bytes.length,
    async *chunks(maxChunkBytes) {
      for (let offset = 0; offset < bytes.length; offset += maxChunkBytes) yield bytes.subarray(offset, offset + maxChunkBytes);
    },
  };
}
