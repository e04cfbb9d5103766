/**
 * `/peercache/site-safety/1.0.0` (docs/PROTOCOL.md): site-safety facts told within a group
 * (core/serving/group-site-safety.ts). Same shape as `/peercache/update/1.0.0`: the teller opens
 * a stream, writes one UTF-8 JSON object and closes; the receiver answers nothing. A browser
 * tells its LAN nodes `{"full", "facts": [...]}` (what its own documents allowed or blocked); a
 * LAN node tells its members `{"full", "hosts": [...]}` (what the group vouches for). `full`: the
 * message is everything the teller has (the receiver replaces what it had from it); otherwise
 * only what changed. A separate protocol, not a field of the update, so the facts travel only
 * between peers that both know them and are counted apart from bindings.
 */
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface';
import { checkFact, checkGroupHost, MAX_FACTS_PER_MEMBER, MAX_GROUP_HOSTS, type GroupSafeHost, type SiteSafetyFact } from '../../core/serving/group-site-safety.ts';
import { BlockProtocolError } from '../block/errors.ts';
import { parseJson } from '../bindings/index.ts';
import { createToldServer, tell } from '../told.ts';

export const SITE_SAFETY_PROTOCOL = '/peercache/site-safety/1.0.0';
/** A fact or verdict is well under 300 bytes of JSON. */
const MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

export type SiteSafetyMessage =
  | { readonly full: boolean; readonly facts: readonly SiteSafetyFact[] }
  | { readonly full: boolean; readonly hosts: readonly GroupSafeHost[] };

export function encodeSiteSafety(m: SiteSafetyMessage): Uint8Array {
  // What could not be decoded is left out, not sent: the receiver would drop the whole message.
  const body = 'facts' in m
    ? { full: m.full, facts: m.facts.filter((f) => checkFact(f)).slice(-MAX_FACTS_PER_MEMBER) }
    : { full: m.full, hosts: m.hosts.filter((h) => checkGroupHost(h)).slice(0, MAX_GROUP_HOSTS) };
  return new TextEncoder().encode(JSON.stringify(body));
}

/** Decodes a message; throws {@link BlockProtocolError} on anything the protocol does not allow. */
export function decodeSiteSafety(bytes: Uint8Array): SiteSafetyMessage {
  if (bytes.byteLength > MAX_MESSAGE_BYTES) throw new BlockProtocolError('site-safety: too large');
  const v = parseJson(bytes, 'site-safety') as { full?: unknown; facts?: unknown; hosts?: unknown } | null;
  if (typeof v?.full !== 'boolean') throw new BlockProtocolError('site-safety: full is not a boolean');
  const list = (items: unknown, max: number, check: (x: unknown) => unknown, what: string): unknown[] => {
    if (!Array.isArray(items) || items.length > max) throw new BlockProtocolError(`site-safety: ${what} is not a list of at most ${max}`);
    return items.map((x, i) => check(x) ?? (() => { throw new BlockProtocolError(`site-safety: ${what} ${i} is malformed`); })());
  };
  if (v.facts !== undefined) return { full: v.full, facts: list(v.facts, MAX_FACTS_PER_MEMBER, checkFact, 'facts') as SiteSafetyFact[] };
  return { full: v.full, hosts: list(v.hosts, MAX_GROUP_HOSTS, checkGroupHost, 'hosts') as GroupSafeHost[] };
}

/** The receiver (p2p/told.ts: one message per peer read at a time; others are reset unread). */
export function createSiteSafetyServer(init: {
  accept: (peer: string) => boolean;
  onMessage: (peer: PeerId, message: SiteSafetyMessage, connection: Connection) => void;
  onFault?: (peer: PeerId, error: Error) => void;
}): { protocol: string; handler: (stream: Stream, connection: Connection) => Promise<void> } {
  return createToldServer({ protocol: SITE_SAFETY_PROTOCOL, maxBytes: MAX_MESSAGE_BYTES, decode: decodeSiteSafety, ...init });
}

/** Tells `peer` a message. Bounded: 5 s from dial to close. */
export function sendSiteSafety(node: Pick<Libp2p, 'dialProtocol'>, peer: PeerId, message: SiteSafetyMessage): Promise<void> {
  return tell(node, peer, SITE_SAFETY_PROTOCOL, encodeSiteSafety(message), 5_000);
}
