/**
 * `/peercache/update/1.0.0` (docs/PROTOCOL.md): "here is what changed", told the moment it
 * changes instead of waiting to be asked. A browser tells its LAN nodes the listed blocks it
 * now holds and, in a group, the bindings it observed; a LAN node tells its members the blocks
 * it now hosts and the group book's records that changed. The opener writes one UTF-8 JSON
 * object and closes; the receiver answers nothing. Same records and bounds as the have and
 * bindings answers, which stay the periodic catch-up: a lost update costs time, not bytes.
 */
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface';
import { BlockProtocolError } from '../block/errors.ts';
import { bindingRecords, MAX_BINDINGS_BYTES, parseJson, travelling, type GroupBinding } from '../bindings/index.ts';
import { MAX_HAVE_KEYS } from '../have/index.ts';
import { createToldServer, tell } from '../told.ts';

export const UPDATE_PROTOCOL = '/peercache/update/1.0.0';
const KEY = /^[A-Za-z0-9_-]{1,128}$/;
/** The bindings' bound plus a full have list. */
const MAX_UPDATE_BYTES = MAX_BINDINGS_BYTES + MAX_HAVE_KEYS * 131 + 64;

/** What changed at the sender. */
export interface Update {
  /** Multihash keys of listed blocks the sender now holds. */
  readonly have: readonly string[];
  /** Bindings (only inside a group): a browser's own observations, or the book's records. */
  readonly bindings: readonly GroupBinding[];
}

export function encodeUpdate(u: Update): Uint8Array {
  const have = u.have.filter((k) => KEY.test(k)).slice(0, MAX_HAVE_KEYS);
  return new TextEncoder().encode(JSON.stringify({ have, bindings: travelling(u.bindings) }));
}

/** Decodes an update; throws {@link BlockProtocolError} on anything the protocol does not allow. */
export function decodeUpdate(bytes: Uint8Array, now: number): Update {
  if (bytes.byteLength > MAX_UPDATE_BYTES) throw new BlockProtocolError('update: too large');
  const parsed = parseJson(bytes, 'update') as { have?: unknown; bindings?: unknown } | null;
  const have = parsed?.have;
  if (!Array.isArray(have) || have.length > MAX_HAVE_KEYS || !have.every((k) => typeof k === 'string' && KEY.test(k))) {
    throw new BlockProtocolError('update: have is not a list of at most 10000 multihash keys');
  }
  return { have: have as string[], bindings: bindingRecords(parsed, now) };
}

/**
 * The receiver (p2p/told.ts: one update per peer read at a time). `onFault`: the update was
 * malformed.
 */
export function createUpdateServer(init: {
  accept: (peer: string) => boolean;
  onUpdate: (peer: PeerId, update: Update) => void;
  onFault?: (peer: PeerId, error: Error) => void;
  now?: () => number;
}): { protocol: string; handler: (stream: Stream, connection: Connection) => Promise<void> } {
  return createToldServer({
    protocol: UPDATE_PROTOCOL,
    maxBytes: MAX_UPDATE_BYTES,
    decode: (bytes) => decodeUpdate(bytes, (init.now ?? Date.now)()),
    accept: init.accept,
    onMessage: (peer, update) => init.onUpdate(peer, update),
    ...(init.onFault ? { onFault: init.onFault } : {}),
  });
}

/** Tells `peer` what changed. Bounded: `timeoutMs` (default 5 s) from dial to close. */
export function sendUpdate(node: Pick<Libp2p, 'dialProtocol'>, peer: PeerId, update: Update, opts: { timeoutMs?: number } = {}): Promise<void> {
  return tell(node, peer, UPDATE_PROTOCOL, encodeUpdate(update), opts.timeoutMs ?? 5_000);
}
