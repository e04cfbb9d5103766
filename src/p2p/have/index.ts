/**
 * `/peercache/have/1.0.0`: "which popular blocks do you hold?" (docs/PROTOCOL.md). The asker
 * opens a stream and sends nothing; the holder answers an unsigned-varint count, then each
 * multihash key as an unsigned-varint length and its ASCII bytes, and closes. Holders list
 * only keys the privacy gate allows (files on the public list), so an answer reveals nothing
 * about anyone's browsing. Bounded: 10,000 keys of at most 128 characters.
 */
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface';
import { decodeUnsignedVarint, encodeUnsignedVarint } from '../../core/integrity/index.ts';
import { BlockProtocolError } from '../block/errors.ts';
import { StreamReader } from '../block/stream-reader.ts';

export const HAVE_PROTOCOL = '/peercache/have/1.0.0';
export const MAX_HAVE_KEYS = 10_000;
const MAX_KEY_CHARS = 128;
const MAX_ANSWER_BYTES = 10 + MAX_HAVE_KEYS * (2 + MAX_KEY_CHARS);

/**
 * Encodes an answer (keys beyond the bound are left out) into one buffer sized up front: joining
 * the pieces one by one would copy the answer so far for each of up to 10,000 keys.
 */
export function encodeHave(keys: readonly string[]): Uint8Array {
  const ascii = keys.filter((k) => /^[A-Za-z0-9_-]{1,128}$/.test(k)).slice(0, MAX_HAVE_KEYS);
  const count = encodeUnsignedVarint(ascii.length);
  // Keys are ASCII of at most 128 characters: one byte each, and a length varint of one or two.
  const size = ascii.reduce((n, k) => n + (k.length < 0x80 ? 1 : 2) + k.length, count.length);
  const out = new Uint8Array(size);
  out.set(count, 0);
  let off = count.length;
  const ascii8 = new TextEncoder();
  for (const k of ascii) {
    const len = encodeUnsignedVarint(k.length);
    out.set(len, off);
    off += len.length;
    off += ascii8.encodeInto(k, out.subarray(off)).written;
  }
  return out;
}

/** Decodes a whole answer; throws {@link BlockProtocolError} on anything malformed. */
export function decodeHave(bytes: Uint8Array): string[] {
  let count;
  try {
    count = decodeUnsignedVarint(bytes, 0);
  } catch {
    throw new BlockProtocolError('have: malformed count');
  }
  if (count.value > MAX_HAVE_KEYS) throw new BlockProtocolError(`have: ${count.value} keys announced, at most ${MAX_HAVE_KEYS}`);
  const keys: string[] = [];
  let off = count.length;
  for (let i = 0; i < count.value; i++) {
    let len;
    try {
      len = decodeUnsignedVarint(bytes, off);
    } catch {
      throw new BlockProtocolError('have: malformed key length');
    }
    off += len.length;
    if (len.value < 1 || len.value > MAX_KEY_CHARS || off + len.value > bytes.length) throw new BlockProtocolError('have: bad key length');
    const key = new TextDecoder().decode(bytes.subarray(off, off + len.value));
    if (!/^[A-Za-z0-9_-]+$/.test(key)) throw new BlockProtocolError('have: key is not base64url');
    keys.push(key);
    off += len.value;
  }
  if (off !== bytes.length) throw new BlockProtocolError('have: trailing bytes');
  return keys;
}

/** The responder: `listKeys` gives the popular keys held, for the asking peer. */
export function createHaveServer(listKeys: (peer: string) => Promise<readonly string[]>): {
  protocol: string;
  handler: (stream: Stream, connection: Connection) => Promise<void>;
} {
  return createListServer(HAVE_PROTOCOL, listKeys);
}

/**
 * A responder of the same framing for any list of short ASCII tokens (multihash keys, peer
 * ids): `/peercache/peers/1.0.0` uses it too.
 */
export function createListServer(protocol: string, listKeys: (peer: string) => Promise<readonly string[]>): {
  protocol: string;
  handler: (stream: Stream, connection: Connection) => Promise<void>;
} {
  return createAnswerServer(protocol, async (peer) => encodeHave(await listKeys(peer)));
}

/**
 * The shape every PeerCache "ask and be answered" protocol shares: the asker opens a stream
 * and sends nothing; the responder writes one answer (from `answer`, for the asking peer) in
 * chunks of at most 64 KiB and closes.
 */
export function createAnswerServer(protocol: string, answer: (peer: string) => Promise<Uint8Array>): {
  protocol: string;
  handler: (stream: Stream, connection: Connection) => Promise<void>;
} {
  return {
    protocol,
    async handler(stream, connection) {
      try {
        await writeWhole(stream, await answer(connection.remotePeer.toString()));
        await stream.close();
      } catch (e) {
        stream.abort(e instanceof Error ? e : new Error(String(e)));
      }
    },
  };
}

/** Writes `bytes` in chunks of at most 64 KiB, waiting (up to 10 s) whenever the stream is full. */
export async function writeWhole(stream: Stream, bytes: Uint8Array): Promise<void> {
  for (let off = 0; off < bytes.length; off += 64 * 1024) {
    if (!stream.send(bytes.subarray(off, off + 64 * 1024))) await stream.onDrain({ signal: AbortSignal.timeout(10_000) });
  }
}

/** Asks `peer` which popular blocks it holds. */
export function fetchHave(node: Pick<Libp2p, 'dialProtocol'>, peer: PeerId, opts: { timeoutMs?: number } = {}): Promise<string[]> {
  return fetchList(node, peer, HAVE_PROTOCOL, opts);
}

/** Asks `peer` for the list a {@link createListServer} of `protocol` answers. */
export async function fetchList(node: Pick<Libp2p, 'dialProtocol'>, peer: PeerId, protocol: string, opts: { timeoutMs?: number } = {}): Promise<string[]> {
  return decodeHave(await fetchAnswer(node, peer, protocol, { ...opts, maxBytes: MAX_ANSWER_BYTES }));
}

/**
 * Asks `peer` on `protocol` and reads its whole answer. Bounded: at most `maxBytes` (more is a
 * {@link BlockProtocolError}), 5 s between chunks, `timeoutMs` (default 10 s) in all.
 */
export async function fetchAnswer(node: Pick<Libp2p, 'dialProtocol'>, peer: PeerId, protocol: string, opts: { timeoutMs?: number; maxBytes: number }): Promise<Uint8Array> {
  const signal = AbortSignal.timeout(opts.timeoutMs ?? 10_000);
  const stream = await node.dialProtocol(peer, protocol, { signal });
  // Our side closes once the reader listens: the answer may arrive while we close.
  return readWhole(stream, protocol, opts.maxBytes, signal, () => stream.close({ signal }).catch(() => undefined));
}

/**
 * Reads what the remote writes on `stream` until it closes its side: at most `maxBytes` (more
 * is a {@link BlockProtocolError}), 5 s between chunks, until `signal` aborts. `listening`
 * runs once the reader listens (bytes that arrive before that would be missed).
 */
export async function readWhole(stream: Stream, protocol: string, maxBytes: number, signal: AbortSignal, listening?: () => Promise<void>): Promise<Uint8Array> {
  const reader = new StreamReader(stream, { maxBufferedBytes: maxBytes });
  try {
    await listening?.();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = await reader.read(5_000, 'answer', signal);
      if (chunk === null) break;
      total += chunk.byteLength;
      if (total > maxBytes) throw new BlockProtocolError(`${protocol}: answer over ${maxBytes} bytes`);
      chunks.push(chunk);
    }
    // One allocation: joining piece by piece would copy the answer again for every chunk.
    const all = new Uint8Array(total);
    let off = 0;
    for (const c of chunks) {
      all.set(c, off);
      off += c.byteLength;
    }
    return all;
  } finally {
    reader.dispose();
  }
}
