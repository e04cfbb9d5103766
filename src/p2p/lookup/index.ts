/**
 * `/peercache/lookup/1.0.0` (docs/PROTOCOL.md): "do you hold what this URL serves?", asked of
 * a LAN node by a browser about to download a file only to learn it (Chromium cannot read a
 * page's response). The asker writes `{"url"}` and closes; the node answers
 * `{"mh", "bindings"}`: the multihash key of the block it holds for that URL (a listed URL's
 * file, or the group book's binding) or null, and, for a binding of the book, its record. A
 * node that knows another member is downloading that URL right now waits for that download
 * (bounded) before answering, so an office downloads a file once.
 */
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface';
import { keyToMultihash } from '../../core/integrity/index.ts';
import { BlockProtocolError } from '../block/errors.ts';
import { bindingRecords, MAX_URL_CHARS, parseJson, travelling, type GroupBinding } from '../bindings/index.ts';
import { readWhole, writeWhole } from '../have/index.ts';

export const LOOKUP_PROTOCOL = '/peercache/lookup/1.0.0';
const MAX_REQUEST_BYTES = MAX_URL_CHARS * 4 + 16;
const MAX_ANSWER_BYTES = 8 * 1024;
/** The longest a node makes an asker wait for another member's download. */
export const MAX_LOOKUP_WAIT_MS = 10_000;

/** A node's answer. */
export interface LookupAnswer {
  /** The block the node holds for the URL, or undefined. */
  readonly mh?: string;
  /** The group book's binding for the URL (only inside a group, only for URLs off the list). */
  readonly binding?: GroupBinding;
}

function canonicalHttps(url: unknown): url is string {
  if (typeof url !== 'string' || url.length > MAX_URL_CHARS) return false;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.href === url && !u.username && !u.password && !u.hash;
  } catch {
    return false;
  }
}

/** The node's side: `answer` may take up to {@link MAX_LOOKUP_WAIT_MS}. */
export function createLookupServer(answer: (peer: string, url: string) => Promise<LookupAnswer>): {
  protocol: string;
  handler: (stream: Stream, connection: Connection) => Promise<void>;
} {
  return {
    protocol: LOOKUP_PROTOCOL,
    async handler(stream, connection) {
      try {
        const request = parseJson(await readWhole(stream, LOOKUP_PROTOCOL, MAX_REQUEST_BYTES, AbortSignal.timeout(5_000)), 'lookup') as { url?: unknown } | null;
        if (!canonicalHttps(request?.url)) throw new BlockProtocolError('lookup: url is not a canonical https URL');
        const a = await answer(connection.remotePeer.toString(), request.url);
        const body = { mh: a.mh ?? null, bindings: a.binding ? travelling([a.binding]) : [] };
        await writeWhole(stream, new TextEncoder().encode(JSON.stringify(body)));
        await stream.close();
      } catch (e) {
        stream.abort(e instanceof Error ? e : new Error(String(e)));
      }
    },
  };
}

/**
 * Asks `peer` (a LAN node) about `url`. Throws {@link BlockProtocolError} on a malformed
 * answer; bounded by `timeoutMs` (default: the node's longest wait and 2 s more).
 */
export async function lookupUrl(node: Pick<Libp2p, 'dialProtocol'>, peer: PeerId, url: string, opts: { timeoutMs?: number; now?: number } = {}): Promise<LookupAnswer> {
  const signal = AbortSignal.timeout(opts.timeoutMs ?? MAX_LOOKUP_WAIT_MS + 2_000);
  const stream = await node.dialProtocol(peer, LOOKUP_PROTOCOL, { signal });
  const bytes = await readWhole(stream, LOOKUP_PROTOCOL, MAX_ANSWER_BYTES, signal, async () => {
    await writeWhole(stream, new TextEncoder().encode(JSON.stringify({ url })));
    await stream.close({ signal }).catch(() => undefined);
  });
  const parsed = parseJson(bytes, 'lookup') as { mh?: unknown; bindings?: unknown } | null;
  const mh = parsed?.mh;
  if (mh !== null && typeof mh !== 'string') throw new BlockProtocolError('lookup: mh is neither a key nor null');
  if (typeof mh === 'string') {
    try {
      keyToMultihash(mh);
    } catch {
      throw new BlockProtocolError('lookup: mh is not a sha2-256/384/512 multihash key');
    }
  }
  const records = bindingRecords(parsed, opts.now ?? Date.now());
  // A record must be of the URL asked about, and name the block said to be held.
  const binding = records.find((b) => b.url === url && b.mh === mh);
  if (records.length > 1 || (records.length === 1 && !binding)) throw new BlockProtocolError('lookup: a binding of another URL or block');
  return { ...(typeof mh === 'string' ? { mh } : {}), ...(binding ? { binding } : {}) };
}
