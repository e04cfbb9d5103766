/**
 * The asking side of `/peercache/block/1.0.0` (docs/PROTOCOL.md). The peer is not trusted:
 * an announced length over `maxBytes` is refused before any body byte is read, every chunk is
 * checked against the announced length as it arrives (an overrun aborts at once), silence
 * longer than `stallMs` aborts, and the whole is hashed against the requested multihash.
 *
 * The body is written once into a block of the announced length (bounded by `maxBytes`) and
 * hashed as it arrives where the runtime allows (body-digest.ts: Node), else once complete
 * (WebCrypto in browsers).
 */
import type { Libp2p, PeerId, Stream } from '@libp2p/interface';
import type { Multiaddr } from '@multiformats/multiaddr';
import { digestsEqual, keyToMultihash, type Multihash } from '../../core/integrity/index.ts';
import { BLOCK_PROTOCOL, MAX_RESPONSE_HEADER_BYTES, decodeResponseHeader, encodeRequest, type ResponseHeader } from './codec.ts';
import {
  BlockIntegrityError,
  BlockProtocolError,
  BlockResetError,
  BlockStallError,
  BlockTimeoutError,
  BlockTooLargeError,
} from './errors.ts';
import { createBodyDigest } from './body-digest.ts';
import { concatBytes } from './bytes.ts';
import { StreamReader } from './stream-reader.ts';

/** What {@link fetchBlock} resolves to. `found` bytes are verified against the key. */
export type FetchBlockResult = { status: 'found'; bytes: Uint8Array } | { status: 'not-found' } | { status: 'refused' };

/** Options of {@link fetchBlock}. */
export interface FetchBlockOptions {
  readonly signal?: AbortSignal;
  /** For everything, dial included; default 30 000 ms. */
  readonly timeoutMs?: number;
  /** Longest silence while bytes are due; default 10 000 ms. */
  readonly stallMs?: number;
  /** Largest block accepted; a larger announcement throws {@link BlockTooLargeError}. */
  readonly maxBytes: number;
}

/** The part of a libp2p node this needs. */
export type BlockDialer = Pick<Libp2p, 'dialProtocol'>;

/**
 * Ask `peer` for the block named by `key` (a multihash key from `multihashToKey`).
 *
 * Throws {@link BlockIntegrityError} or {@link BlockProtocolError} when the peer sent bad
 * bytes (`isPeerFault`: disconnect and penalise it), {@link BlockStallError},
 * {@link BlockTimeoutError}, {@link BlockResetError} or {@link BlockTooLargeError} when it
 * merely could not deliver, `signal.reason` when `signal` aborts, libp2p's dial errors, and
 * the integrity module's errors for a `key` that is not a multihash key.
 *
 * @example
 * ```ts
 * const r = await fetchBlock(node, peerId, key, { maxBytes: 16 * 1024 * 1024 });
 * if (r.status === 'found') await blobs.put(key, r.bytes);
 * ```
 */
export async function fetchBlock(
  node: BlockDialer,
  peer: PeerId | Multiaddr,
  key: string,
  opts: FetchBlockOptions,
): Promise<FetchBlockResult> {
  const multihash = keyToMultihash(key);
  const { maxBytes } = opts;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new RangeError(`maxBytes must be a whole number ≥ 0, got ${maxBytes}`);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const stallMs = opts.stallMs ?? 10_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = opts.signal === undefined ? timeout : AbortSignal.any([opts.signal, timeout]);
  let stream: Stream | undefined;
  try {
    stream = await node.dialProtocol(peer, BLOCK_PROTOCOL, { signal });
    return await exchange(stream, multihash, maxBytes, stallMs, signal);
  } catch (error) {
    const err = timeout.aborted ? new BlockTimeoutError(`Block request took longer than ${timeoutMs} ms`, { cause: error }) : error;
    stream?.abort(err instanceof Error ? err : new Error(String(err)));
    throw err;
  }
}

async function exchange(
  stream: Stream,
  multihash: Multihash,
  maxBytes: number,
  stallMs: number,
  signal: AbortSignal,
): Promise<FetchBlockResult> {
  // Listen before anything else: the answer may arrive while we still await our close().
  const reader = new StreamReader(stream, { maxBufferedBytes: MAX_RESPONSE_HEADER_BYTES + maxBytes });
  try {
    const read = (what: string): Promise<Uint8Array | null> => readOrReset(reader, stallMs, what, signal);
    try {
      stream.send(encodeRequest(multihash.bytes));
      await stream.close({ signal });
    } catch (error) {
      if (isStreamFailure(error, signal)) throw new BlockResetError('Stream failed while sending the request', { cause: error });
      throw error;
    }

    let pending: Uint8Array = new Uint8Array(0);
    let header: ResponseHeader | undefined;
    while (header === undefined) {
      const chunk = await read('the response header');
      if (chunk === null) throw new BlockProtocolError('Stream ended before the response header');
      // pending holds under MAX_RESPONSE_HEADER_BYTES here, so this copy stays small.
      pending = concatBytes(pending, chunk);
      const decoded = decodeResponseHeader(pending);
      if (decoded === null) continue;
      header = decoded.value;
      pending = pending.subarray(decoded.consumed);
    }

    if (header.status !== 'found') {
      if (pending.length > 0) throw new BlockProtocolError(`Bytes after a "${header.status}" answer`);
      await expectEnd(reader, stallMs, signal);
      return { status: header.status };
    }
    if (header.length > maxBytes) throw new BlockTooLargeError(header.length, maxBytes);

    // One copy: each part goes straight to its place in the block (the length is known and
    // within maxBytes) and into the hash as it arrives, so no join is left for the end.
    const bytes = new Uint8Array(header.length);
    const hash = createBodyDigest(multihash.algorithm);
    let filled = 0;
    const add = (chunk: Uint8Array): void => {
      if (chunk.length > header.length - filled) throw new BlockProtocolError(`Overrun: more than the ${header.length} bytes announced`);
      bytes.set(chunk, filled);
      filled += chunk.length;
      hash.update(chunk);
    };
    add(pending);
    while (filled < header.length) {
      const chunk = await read('the block body');
      if (chunk === null) throw new BlockProtocolError(`Truncated: ${filled} of ${header.length} bytes, then the stream ended`);
      add(chunk);
    }
    await expectEnd(reader, stallMs, signal);

    const digest = await hash.digest(bytes);
    if (!digestsEqual(digest, multihash.digest)) throw new BlockIntegrityError(`Bytes do not hash to the requested ${multihash.algorithm}`);
    return { status: 'found', bytes };
  } finally {
    reader.dispose();
  }
}

/**
 * After the answer the peer must close. More bytes are an overrun; silence or a reset are
 * tolerated, because the answer is complete (and a body is verified anyway).
 */
async function expectEnd(reader: StreamReader, stallMs: number, signal: AbortSignal): Promise<void> {
  try {
    if ((await reader.read(stallMs, 'the end of the stream', signal)) === null) return;
  } catch (error) {
    if (error instanceof BlockStallError || isStreamFailure(error, signal)) return;
    throw error;
  }
  throw new BlockProtocolError('Overrun: more bytes after the announced length');
}

async function readOrReset(reader: StreamReader, stallMs: number, what: string, signal: AbortSignal): Promise<Uint8Array | null> {
  try {
    return await reader.read(stallMs, what, signal);
  } catch (error) {
    if (isStreamFailure(error, signal)) throw new BlockResetError(`Stream failed while waiting for ${what}`, { cause: error });
    throw error;
  }
}

/** A reset or lost connection reported by libp2p, as opposed to our own errors and aborts. */
function isStreamFailure(error: unknown, signal: AbortSignal): boolean {
  return !signal.aborted && error instanceof Error && !error.name.startsWith('Block');
}
