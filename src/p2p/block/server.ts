/**
 * The serving side of `/peercache/block/1.0.0` (docs/PROTOCOL.md): one request per stream,
 * answered within per-peer, per-address and global limits, the upload speed limit and the
 * monthly cap. A block may come as bytes or as a body read piece by piece (body.ts), so a
 * server reading from disk holds about one piece per stream however slowly the peer reads.
 *
 * Whether an asset may be answered at all (the privacy gate, metered networks) is the
 * `getBlock` callback's decision: it answers `refused`, and the peer learns nothing more.
 */
import type { Connection, Stream, StreamHandler } from '@libp2p/interface';
import type { Multiaddr } from '@multiformats/multiaddr';
import { PeerRateLimiter, PeerStreamCounter, type Clock, type RateBucket } from '../../core/limits/index.ts';
import {
  BLOCK_PROTOCOL,
  MAX_CHUNK_BYTES,
  MAX_REQUEST_BYTES,
  decodeRequest,
  encodeResponseHeader,
  type BlockRequest,
  type ResponseHeader,
} from './codec.ts';
import { BlockProtocolError, BlockStallError, BlockUploadLimitError } from './errors.ts';
import { concatBytes } from './bytes.ts';
import { StreamReader } from './stream-reader.ts';
import { bodyOfBytes, type BlockBody } from './body.ts';
import { remoteHostOf } from '../remote-host.ts';

/** What `getBlock` answers: a found block as bytes, or as a body read as it is sent. */
export type BlockLookup =
  | { status: 'found'; bytes: Uint8Array }
  | { status: 'found'; body: BlockBody }
  | { status: 'not-found' }
  | { status: 'refused' };

/** Which limit refused a stream before its request was read (`onLimit`). */
export type BlockLimit = 'penalised' | 'total-streams' | 'peer-streams' | 'address-streams' | 'peer-rate' | 'address-rate';

/** A log function; libp2p's `Logger` and `console.log` both fit. */
export type BlockLog = (message: string, ...args: unknown[]) => void;

/** Per-peer and upload limits. Every field has a default. */
export interface BlockServerLimits {
  /** Larger blocks are refused; default 16 MiB. */
  readonly maxBlockBytes?: number;
  /** Streams one peer may have in progress; default 8. Over it: refused. */
  readonly maxConcurrentPerPeer?: number;
  /** Streams all peers together may have in progress; default unlimited. Over it: refused. */
  readonly maxConcurrentTotal?: number;
  /**
   * Streams all peers of one IP address may have in progress; default unlimited. Over it:
   * refused. Peer ids cost nothing to make, so per-peer limits alone are undone by minting ids;
   * connections without an address of the peer's own (relayed, WebRTC) count per peer id.
   */
  readonly maxConcurrentPerAddress?: number;
  /** Sustained requests per minute per peer; default 600. Over it: refused. */
  readonly requestsPerMinutePerPeer?: number;
  /** Requests a peer may make at once; default `requestsPerMinutePerPeer`. */
  readonly requestBurstPerPeer?: number;
  /** Sustained requests per minute of all peers of one address (burst the same); default unlimited. */
  readonly requestsPerMinutePerAddress?: number;
  /** Told of every stream a limit refused (for metrics). */
  readonly onLimit?: (limit: BlockLimit, peer: string) => void;
  /**
   * The address a connection counts under for the per-address limits; undefined counts it per
   * peer id. Default {@link remoteHostOf}: its IP.
   */
  readonly addressOf?: (remoteAddr: Multiaddr) => string | undefined;
  /** Paces body bytes (`createUploadBucket(maxUploadKbps)`); a bucket that never refills refuses. */
  readonly uploadBucket?: RateBucket;
  /** Charged the whole block before it is sent; false refuses (`MonthlyCap`). */
  readonly monthlyCap?: { tryConsume(bytes: number): boolean };
  /** Penalised peers are refused; a peer that sends a garbage request is penalised (`PenaltyBox`). */
  readonly penaltyBox?: { isPenalised(peer: string): boolean; penalise(peer: string): void };
  /** Called after each chunk is handed to the stream: bytes actually uploaded, for stats. */
  readonly onUpload?: (peer: string, bytes: number) => void;
}

/** Timeouts of the serving side, in milliseconds. */
export interface BlockServerTimeouts {
  /** For the whole request to arrive; default 5 000. */
  readonly requestMs?: number;
  /** For the peer to take more bytes (drain) or the final close; default 10 000. */
  readonly writeStallMs?: number;
  /** Most the upload limit may hold back one chunk; default 30 000. */
  readonly maxTokenWaitMs?: number;
}

/** Options of {@link createBlockServer}. */
export interface BlockServerInit {
  /** Look a block up by its multihash key (`multihashToKey`) for `peer` (a peer id string). */
  getBlock(key: string, peer: string): Promise<BlockLookup>;
  readonly limits?: BlockServerLimits;
  readonly timeouts?: BlockServerTimeouts;
  readonly log?: BlockLog;
  /** Clock of the per-peer rate limiter. */
  readonly now?: Clock;
}

/** What `node.handle` needs. */
export interface BlockServer {
  readonly protocol: typeof BLOCK_PROTOCOL;
  readonly handler: StreamHandler;
  /** Per connection; a little above `maxConcurrentPerPeer` so over-limit streams get a polite refusal. */
  readonly maxInboundStreams: number;
}

/** Over this many streams per connection libp2p resets without asking us. */
const INBOUND_HEADROOM = 4;

/**
 * Body bytes per write, within MAX_CHUNK_BYTES. A noise transport message carries at most
 * 65 519 plaintext bytes (65 535 with its 16-byte tag), and yamux puts a 12-byte header before
 * each write, so 65 507 bytes make one frame that fills one message exactly. A 64 KiB write
 * spilled 29 bytes into a second message: its own cipher call, tag and two socket writes.
 */
export const BODY_WRITE_BYTES = 65_535 - 16 - 12;

/**
 * Create the block protocol server.
 *
 * @example
 * ```ts
 * const server = createBlockServer({ getBlock: (key, peer) => lookUp(key, peer), limits: { uploadBucket } });
 * await node.handle(server.protocol, server.handler, { maxInboundStreams: server.maxInboundStreams });
 * ```
 */
export function createBlockServer(init: BlockServerInit): BlockServer {
  const limits = init.limits ?? {};
  const log: BlockLog = init.log ?? (() => {});
  const maxBlockBytes = limits.maxBlockBytes ?? 16 * 1024 * 1024;
  const maxConcurrentPerPeer = limits.maxConcurrentPerPeer ?? 8;
  const requestMs = init.timeouts?.requestMs ?? 5_000;
  const writeStallMs = init.timeouts?.writeStallMs ?? 10_000;
  const maxTokenWaitMs = init.timeouts?.maxTokenWaitMs ?? 30_000;
  const streams = new PeerStreamCounter({ maxPerPeer: maxConcurrentPerPeer, maxTotal: limits.maxConcurrentTotal });
  const perMinute = limits.requestsPerMinutePerPeer ?? 600;
  const rate = new PeerRateLimiter({ perMinute, burst: limits.requestBurstPerPeer, now: init.now });
  // Per address: the same counters, keyed by IP instead of peer id.
  const addressStreams = limits.maxConcurrentPerAddress === undefined ? undefined : new PeerStreamCounter({ maxPerPeer: limits.maxConcurrentPerAddress });
  const addressRate = limits.requestsPerMinutePerAddress === undefined ? undefined : new PeerRateLimiter({ perMinute: limits.requestsPerMinutePerAddress, now: init.now });
  const bucket = limits.uploadBucket;
  // Chunks no bigger than the bucket can ever hold, or a take would never succeed.
  const chunkBytes = Math.max(1, Math.min(BODY_WRITE_BYTES, MAX_CHUNK_BYTES, Math.floor(bucket?.capacity ?? MAX_CHUNK_BYTES)));

  async function answer(stream: Stream, peer: string, request: BlockRequest, closed: AbortSignal): Promise<void> {
    if (request.kind === 'unsupported') return reply(stream, { status: 'refused' }, request.reason);
    let lookup: BlockLookup;
    try {
      lookup = await init.getBlock(request.key, peer);
    } catch (error) {
      // Our own failure must not look like a protocol fault to an honest peer: refuse politely.
      log('block lookup failed for %s: %s', request.key, error);
      return reply(stream, { status: 'refused' }, 'lookup failed');
    }
    if (lookup.status !== 'found') return reply(stream, { status: lookup.status }, lookup.status);
    const body = 'body' in lookup ? lookup.body : bodyOfBytes(lookup.bytes);
    try {
      await sendBody(stream, peer, body, closed);
    } finally {
      await body.close?.().catch((error: unknown) => log('closing the body of %s failed: %s', request.key, error));
    }
    log('served %d bytes of %s to %s', body.length, request.key, peer);
  }

  async function sendBody(stream: Stream, peer: string, body: BlockBody, closed: AbortSignal): Promise<void> {
    const { length } = body;
    if (length > maxBlockBytes) return reply(stream, { status: 'refused' }, 'block too large');
    if (bucket !== undefined && bucket.refillPerSecond <= 0) return reply(stream, { status: 'refused' }, 'upload disabled');
    if (limits.monthlyCap !== undefined && !limits.monthlyCap.tryConsume(length)) {
      return reply(stream, { status: 'refused' }, 'monthly cap reached');
    }
    await send(stream, encodeResponseHeader({ status: 'found', length }));
    let sent = 0;
    // One piece at a time, each only once the peer took the last (send waits for drain): a
    // peer that stops reading holds one piece here, and is reset after writeStallMs.
    for await (const chunk of body.chunks(chunkBytes)) {
      if (chunk.length > chunkBytes || sent + chunk.length > length) throw new Error(`Block body overran its ${length} bytes`);
      if (bucket !== undefined) await takeTokens(bucket, chunk.length, maxTokenWaitMs, closed);
      await send(stream, chunk);
      limits.onUpload?.(peer, chunk.length);
      sent += chunk.length;
    }
    // Short: the peer would see a clean end and blame us for a truncation; a reset it does not.
    if (sent !== length) throw new Error(`Block body ended after ${sent} of ${length} bytes`);
    await stream.close({ signal: AbortSignal.timeout(writeStallMs) });
  }

  async function reply(stream: Stream, header: ResponseHeader, why: string): Promise<void> {
    await send(stream, encodeResponseHeader(header));
    await stream.close({ signal: AbortSignal.timeout(writeStallMs) });
    log('answered %s: %s', header.status, why);
  }

  async function send(stream: Stream, bytes: Uint8Array): Promise<void> {
    if (stream.send(bytes)) return;
    try {
      await stream.onDrain({ signal: AbortSignal.timeout(writeStallMs) });
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') throw new BlockStallError(writeStallMs, 'the peer to read');
      throw error;
    }
  }

  async function refuseEarly(stream: Stream, why: string): Promise<void> {
    try {
      // Answer without reading the request: it costs the least, and the peer learns only "no".
      await stream.closeRead();
      await reply(stream, { status: 'refused' }, why);
    } catch (error) {
      stream.abort(error instanceof Error ? error : new Error(String(error)));
    }
  }

  const refuseOver = (stream: Stream, limit: BlockLimit, peer: string): Promise<void> => {
    limits.onLimit?.(limit, peer);
    return refuseEarly(stream, `${peer}: over ${limit}`);
  };

  const handler = async (stream: Stream, connection: Connection): Promise<void> => {
    const peer = connection.remotePeer.toString();
    if (limits.penaltyBox?.isPenalised(peer) === true) return refuseOver(stream, 'penalised', peer);
    const address = (limits.addressOf ?? remoteHostOf)(connection.remoteAddr) ?? peer;
    const release = streams.tryAcquire(peer);
    if (release === null) return refuseOver(stream, streams.total >= streams.maxTotal ? 'total-streams' : 'peer-streams', peer);
    const releaseAddress = addressStreams === undefined ? () => {} : addressStreams.tryAcquire(address);
    if (releaseAddress === null) {
      release();
      return refuseOver(stream, 'address-streams', peer);
    }
    const closing = new AbortController();
    const onClose = (): void => closing.abort(new Error('Stream closed'));
    stream.addEventListener('close', onClose);
    try {
      if (!rate.tryTake(peer)) return await refuseOver(stream, 'peer-rate', peer);
      if (addressRate?.tryTake(address) === false) return await refuseOver(stream, 'address-rate', peer);
      const request = await readRequest(stream, requestMs);
      await answer(stream, peer, request, closing.signal);
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      if (err instanceof BlockProtocolError) limits.penaltyBox?.penalise(peer);
      log('stream from %s failed: %s', peer, err.message);
      stream.abort(err);
    } finally {
      stream.removeEventListener('close', onClose);
      releaseAddress();
      release();
    }
  };

  return { protocol: BLOCK_PROTOCOL, handler, maxInboundStreams: maxConcurrentPerPeer + INBOUND_HEADROOM };
}

/** Read exactly one request within `timeoutMs`; anything more on the stream is a protocol error. */
async function readRequest(stream: Stream, timeoutMs: number): Promise<BlockRequest> {
  const reader = new StreamReader(stream, { maxBufferedBytes: MAX_REQUEST_BYTES });
  const deadline = Date.now() + timeoutMs;
  let pending: Uint8Array = new Uint8Array(0);
  try {
    for (;;) {
      const chunk = await reader.read(Math.max(1, deadline - Date.now()), 'the request');
      if (chunk === null) throw new BlockProtocolError('Stream ended inside the request');
      pending = concatBytes(pending, chunk);
      if (pending.length > MAX_REQUEST_BYTES) throw new BlockProtocolError('Request is too long');
      const decoded = decodeRequest(pending);
      if (decoded === null) continue;
      if (decoded.consumed !== pending.length) throw new BlockProtocolError('Bytes after the request: one request per stream');
      return decoded.value;
    }
  } finally {
    reader.dispose();
    // Discard whatever the peer sends next instead of buffering it while we answer.
    if (stream.readStatus === 'readable' || stream.readStatus === 'paused') await stream.closeRead().catch(() => {});
  }
}

async function takeTokens(bucket: RateBucket, n: number, maxWaitMs: number, signal: AbortSignal): Promise<void> {
  let waited = 0;
  for (;;) {
    const result = bucket.take(n);
    if (result.ok) return;
    if (waited + result.waitMs > maxWaitMs) {
      throw new BlockUploadLimitError(`Upload limit would hold a chunk back more than ${maxWaitMs} ms`);
    }
    await sleep(result.waitMs, signal);
    waited += result.waitMs;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
