/**
 * The shape `/peercache/update/1.0.0` and `/peercache/site-safety/1.0.0` share: the teller opens
 * a stream, writes one message and closes; the receiver answers nothing. One message per peer is
 * read at a time, a second one meanwhile is reset (the teller's next message, or the periodic
 * answers, carry it); `accept` says whether a peer may tell anything (others are reset unread).
 */
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface';
import { BlockProtocolError } from './block/errors.ts';
import { readWhole, writeWhole } from './have/index.ts';

export function createToldServer<T>(init: {
  protocol: string;
  maxBytes: number;
  /** Throws BlockProtocolError on a malformed message. */
  decode: (bytes: Uint8Array) => T;
  accept: (peer: string) => boolean;
  onMessage: (peer: PeerId, message: T, connection: Connection) => void;
  /** The message was malformed. */
  onFault?: (peer: PeerId, error: Error) => void;
}): { protocol: string; handler: (stream: Stream, connection: Connection) => Promise<void> } {
  const reading = new Set<string>();
  return {
    protocol: init.protocol,
    async handler(stream, connection) {
      const peer = connection.remotePeer;
      const id = peer.toString();
      if (!init.accept(id) || reading.has(id)) {
        stream.abort(new Error('not now'));
        return;
      }
      reading.add(id);
      try {
        const bytes = await readWhole(stream, init.protocol, init.maxBytes, AbortSignal.timeout(10_000));
        await stream.close().catch(() => undefined);
        init.onMessage(peer, init.decode(bytes), connection);
      } catch (e) {
        stream.abort(e instanceof Error ? e : new Error(String(e)));
        if (e instanceof BlockProtocolError) init.onFault?.(peer, e);
      } finally {
        reading.delete(id);
      }
    },
  };
}

/** Tells `peer` one message on `protocol`. Bounded: `timeoutMs` from dial to close. */
export async function tell(node: Pick<Libp2p, 'dialProtocol'>, peer: PeerId, protocol: string, bytes: Uint8Array, timeoutMs: number): Promise<void> {
  const signal = AbortSignal.timeout(timeoutMs);
  const stream = await node.dialProtocol(peer, protocol, { signal });
  try {
    await writeWhole(stream, bytes);
    await stream.close({ signal });
  } catch (e) {
    stream.abort(e instanceof Error ? e : new Error(String(e)));
    throw e;
  }
}
