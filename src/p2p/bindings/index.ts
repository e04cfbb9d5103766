/**
 * `/peercache/bindings/1.0.0` (docs/PROTOCOL.md): "which URL -> hash bindings did the group
 * observe?" Spoken only inside a private network (a group key) and only when policy turns on
 * `trustGroupBindings` (architecture.md, "Trust", source 3): a browser answers the bindings it
 * observed itself; the LAN node answers what the group's members reported, anonymously, each
 * with how many distinct members reported it (the popularity count of files off the public
 * list). The answer is one UTF-8 JSON object, at most {@link MAX_BINDINGS_BYTES} bytes. A
 * malformed answer is a peer fault; records already expired are dropped.
 */
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface';
import { keyToMultihash } from '../../core/integrity/index.ts';
import { BlockProtocolError } from '../block/errors.ts';
import { createAnswerServer, fetchAnswer } from '../have/index.ts';

export const BINDINGS_PROTOCOL = '/peercache/bindings/1.0.0';
/** Most bindings in one answer. */
export const MAX_BINDINGS = 5_000;
/** Longest URL carried (longer ones are left out when encoding, refused when decoding). */
export const MAX_URL_CHARS = 2_048;
export const MAX_BINDINGS_BYTES = 4 * 1024 * 1024;
/** Most members a count may claim: the largest `minLanPeers` the settings allow. */
export const MAX_HOLDERS = 1_000;
/** A claim's freshness is capped at a year from receipt, like the longest HTTP max-age. */
export const MAX_FRESH_MS = 365 * 24 * 3600 * 1000;

/** One binding as it travels. */
export interface GroupBinding {
  readonly url: string;
  /** Multihash key (base64url) of the bytes the URL served. */
  readonly mh: string;
  /** End of the freshness the observer's origin gave, ms since the epoch. */
  readonly freshUntil: number;
  /** Distinct group members that reported it (1 in a browser's own answer). */
  readonly holders: number;
  /** Content type the origin served. */
  readonly type: string;
  /** The origin sent `Access-Control-Allow-Origin: *`. */
  readonly corsAnyOrigin: boolean;
  /**
   * Hosts of the pages on which members loaded the URL, at most 4 (optional: older peers send
   * none). A page of one of them may be answered the binding however few members hold it
   * (core/serving/privacy-gate.ts, `bindingVerdict`).
   */
  readonly sites?: readonly string[];
}

/** Most sites a record names. */
export const MAX_SITES = 4;
const HOST = /^[a-z0-9.-]{1,253}$/;
const TYPE = /^[a-z0-9!#$&^_.+-]{1,64}\/[a-z0-9!#$&^_.+-]{1,64}(;[ -~]{0,60})?$/i;

/** The reason `b` cannot travel, or undefined when it can. */
export function invalidBinding(b: unknown): string | undefined {
  if (typeof b !== 'object' || b === null) return 'not an object';
  const r = b as Record<string, unknown>;
  if (typeof r['url'] !== 'string' || r['url'].length > MAX_URL_CHARS) return 'url is not a string of at most 2048 characters';
  let u: URL;
  try {
    u = new URL(r['url']);
  } catch {
    return 'url does not parse';
  }
  // Only what a browser could have observed and stored: HTTPS, no credentials or fragment.
  if (u.protocol !== 'https:' || u.username || u.password || u.hash || u.href !== r['url']) return 'url is not a canonical https URL';
  if (typeof r['mh'] !== 'string' || r['mh'].length > 128) return 'mh is not a multihash key';
  try {
    keyToMultihash(r['mh']);
  } catch {
    return 'mh is not a sha2-256/384/512 multihash key';
  }
  if (!Number.isSafeInteger(r['freshUntil'])) return 'freshUntil is not an integer';
  if (!Number.isInteger(r['holders']) || (r['holders'] as number) < 1 || (r['holders'] as number) > MAX_HOLDERS) return 'holders is not 1..1000';
  if (typeof r['type'] !== 'string' || !TYPE.test(r['type'])) return 'type is not a content type';
  if (typeof r['corsAnyOrigin'] !== 'boolean') return 'corsAnyOrigin is not a boolean';
  if (r['sites'] !== undefined && !(Array.isArray(r['sites']) && r['sites'].length <= MAX_SITES && r['sites'].every((h) => typeof h === 'string' && HOST.test(h)))) return 'sites is not a list of at most 4 host names';
  return undefined;
}

/** Encodes an answer; bindings that cannot travel, and those beyond the bounds, are left out. */
export function encodeBindings(bindings: readonly GroupBinding[]): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ bindings: travelling(bindings) }));
}

/** The records of `bindings` that can travel, within {@link MAX_BINDINGS} and {@link MAX_BINDINGS_BYTES}. */
export function travelling(bindings: readonly GroupBinding[]): GroupBinding[] {
  const out: GroupBinding[] = [];
  let size = 20;
  for (const b of bindings) {
    if (out.length >= MAX_BINDINGS) break;
    if (invalidBinding(b) !== undefined) continue;
    const one = { url: b.url, mh: b.mh, freshUntil: b.freshUntil, holders: b.holders, type: b.type, corsAnyOrigin: b.corsAnyOrigin, ...(b.sites?.length ? { sites: [...b.sites] } : {}) };
    size += JSON.stringify(one).length * 3 + 1;
    if (size > MAX_BINDINGS_BYTES) break;
    out.push(one);
  }
  return out;
}

/**
 * Decodes an answer. Throws {@link BlockProtocolError} when it is not what the protocol says
 * (not JSON, wrong shape, a malformed record, too many); drops records whose freshness ended
 * before `now` and caps the rest at {@link MAX_FRESH_MS} from `now`.
 */
export function decodeBindings(bytes: Uint8Array, now: number): GroupBinding[] {
  if (bytes.byteLength > MAX_BINDINGS_BYTES) throw new BlockProtocolError('bindings: answer too large');
  return bindingRecords(parseJson(bytes, 'bindings') as { bindings?: unknown } | null, now);
}

/** Parses UTF-8 JSON, or throws {@link BlockProtocolError} naming `what`. */
export function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new BlockProtocolError(`${what}: answer is not UTF-8 JSON`);
  }
}

/** The `bindings` array of a parsed message, checked record by record (see {@link decodeBindings}). */
export function bindingRecords(parsed: { bindings?: unknown } | null, now: number): GroupBinding[] {
  const list = parsed?.bindings;
  if (!Array.isArray(list)) throw new BlockProtocolError('bindings: answer has no bindings array');
  if (list.length > MAX_BINDINGS) throw new BlockProtocolError(`bindings: ${list.length} bindings, at most ${MAX_BINDINGS}`);
  const out: GroupBinding[] = [];
  for (const [i, b] of list.entries()) {
    const why = invalidBinding(b);
    if (why) throw new BlockProtocolError(`bindings: record ${i}: ${why}`);
    const r = b as GroupBinding;
    if (r.freshUntil <= now) continue;
    out.push({ url: r.url, mh: r.mh, freshUntil: Math.min(r.freshUntil, now + MAX_FRESH_MS), holders: r.holders, type: r.type, corsAnyOrigin: r.corsAnyOrigin, ...(r.sites?.length ? { sites: [...r.sites] } : {}) });
  }
  return out;
}

/** The responder: `list` gives the bindings to tell the asking peer. */
export function createBindingsServer(list: (peer: string) => Promise<readonly GroupBinding[]>): {
  protocol: string;
  handler: (stream: Stream, connection: Connection) => Promise<void>;
} {
  return createAnswerServer(BINDINGS_PROTOCOL, async (peer) => encodeBindings(await list(peer)));
}

/** Asks `peer` for the bindings it knows. */
export async function fetchBindings(node: Pick<Libp2p, 'dialProtocol'>, peer: PeerId, now: number, opts: { timeoutMs?: number } = {}): Promise<GroupBinding[]> {
  return decodeBindings(await fetchAnswer(node, peer, BINDINGS_PROTOCOL, { timeoutMs: opts.timeoutMs ?? 15_000, maxBytes: MAX_BINDINGS_BYTES }), now);
}
