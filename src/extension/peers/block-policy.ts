/**
 * What a peer gets from this browser (issue 10, items 3 and 9): the one place that decides the
 * answers of its block server, its `/peercache/have/1.0.0` server, its bindings server and
 * whose updates it takes. peer-service.ts only runs the node and wires these in.
 *
 * Who asks matters, because what this browser holds is its browsing history:
 * - **a LAN node it dialled and pinned** (lan-node-dial.ts: the `/p2p/<id>` of a `lanNodes`
 *   address or the id it answered with first, authenticated by the noise handshake) is told the
 *   popular blocks it holds, the bindings it observed, and, in a group, may fetch any block the
 *   group's bindings name: the node learns nothing it was not told by this browser's own reports,
 *   and it fetches and hosts those blocks so the rest of the office gets them from the node
 *   without learning who had them;
 * - **anyone else** (another browser over WebRTC, a stranger past the LAN gater) gets popular
 *   blocks only (on the public list, or held by `minLanPeers` members by the LAN node's count),
 *   an empty have list and an empty bindings list. A block that is not popular is `refused`
 *   whether held or not, decided before anything of this browser's own is read: the only read
 *   is the group's holder count, which the LAN node tells every member alike.
 *
 * The block decision is {@link blockStep}, pure: it says which fact it needs next, so the order of
 * reads (and with it the timing of an answer) follows the decision, not the other way round.
 */
import { mayServeCrossSite } from '../../core/serving/privacy-gate.ts';
import type { Settings } from '../../core/settings/index.ts';
import type { GroupBinding } from '../../p2p/bindings/index.ts';
import type { BlockLookup } from '../../p2p/block/index.ts';
import { sharesGroupBindings } from './group-bindings.ts';

/** Why a block request is answered (the block's lookup follows) or refused. */
export type BlockReason =
  | 'sharing-off' // no settings yet, or an upload limit of 0
  | 'penalised' // the peer misbehaved lately
  | 'on-list' // popular by definition
  | 'lan-popular' // held by minLanPeers members, by the LAN node's count
  | 'group-named' // asked by a LAN node, for a block the group's bindings name
  | 'not-popular';

/** What {@link blockStep} knows about one request; `holders` and `named` are read only when it asks. */
export interface BlockFacts {
  /** Settings are known and allow uploads (`maxUploadKbps` > 0). */
  readonly sharing: boolean;
  readonly penalised: boolean;
  /** The asker is a LAN node this browser dialled and pinned. */
  readonly lanNode: boolean;
  /** The hash is on the public list. */
  readonly onList: boolean;
  readonly minLanPeers: number;
  /** `groupKey` + `trustGroupBindings`: the group's bindings travel. */
  readonly groupShared: boolean;
  /** Members holding the hash, the largest count a LAN node told (group-level, alike in every member). */
  readonly holders?: number;
  /** Some binding of this browser's (observed, or the group's) names the hash. */
  readonly named?: boolean;
}

/** The decision, or the one fact it needs read first. */
export type BlockStep = { readonly answer: boolean; readonly reason: BlockReason } | { readonly read: 'holders' | 'named' };

const answer = (reason: BlockReason): BlockStep => ({ answer: true, reason });
const refuse = (reason: BlockReason): BlockStep => ({ answer: false, reason });

/**
 * Decides a block request, or names the fact to read next (pure). `answer: true` means the
 * block is looked up and sent, or `not-found`; `answer: false` is `refused`, held or not.
 *
 * @example
 * ```ts
 * blockStep({ sharing: true, penalised: false, lanNode: false, onList: false, minLanPeers: 3, groupShared: true, holders: 1 })
 * // { answer: false, reason: 'not-popular' }: no read of the bindings or the block
 * ```
 */
export function blockStep(f: BlockFacts): BlockStep {
  if (!f.sharing) return refuse('sharing-off');
  if (f.penalised) return refuse('penalised');
  if (f.onList) return answer('on-list');
  if (f.holders === undefined) return { read: 'holders' };
  // Popular is popular for anyone: the same answer in every member reveals no one's history.
  if (mayServeCrossSite({ onList: false, lanPeers: f.holders, minLanPeers: f.minLanPeers, requirePopular: true })) return answer('lan-popular');
  // Not popular: whether this browser holds it is its history. Only its own LAN node may ask,
  // and only for what the group's bindings name (this browser told the node, or the node told it).
  if (!f.lanNode || !f.groupShared) return refuse('not-popular');
  if (f.named === undefined) return { read: 'named' };
  return f.named ? answer('group-named') : refuse('not-popular');
}

/** What the policy reads; each is asked only when a decision needs it. */
export interface PeerPolicyInit {
  settings: () => Settings | undefined;
  isListed: (key: string) => boolean;
  /** Whether `peer` is a LAN node this browser dialled and pinned. */
  isLanNode: (peer: string) => boolean;
  isPenalised: (peer: string) => boolean;
  holders: (key: string) => Promise<number>;
  named: (key: string) => Promise<boolean>;
  /** The block itself, read only once the answer is decided. */
  block: (key: string) => Promise<Uint8Array | undefined>;
  /** Listed blocks held (popular by definition). */
  listedHeld: () => Promise<readonly string[]>;
  /** The bindings this browser observed, for the group's book. */
  observed: () => Promise<GroupBinding[]>;
}

export interface PeerPolicy {
  /** The block server's answer to `peer` for `key`. */
  block(key: string, peer: string): Promise<BlockLookup>;
  /** The have server's answer: the LAN nodes get the listed blocks held, anyone else none. */
  have(peer: string): Promise<readonly string[]>;
  /** The bindings server's answer: the LAN nodes get the observed bindings, anyone else none. */
  bindings(peer: string): Promise<GroupBinding[]>;
  /** Whether an update (`/peercache/update/1.0.0`) from `peer` is taken: only from the LAN nodes. */
  acceptsUpdate(peer: string): boolean;
}

export function createPeerPolicy(init: PeerPolicyInit): PeerPolicy {
  return {
    async block(key, peer) {
      const s = init.settings();
      let facts: BlockFacts = {
        sharing: s !== undefined && s.maxUploadKbps > 0,
        penalised: init.isPenalised(peer),
        lanNode: init.isLanNode(peer),
        onList: init.isListed(key),
        minLanPeers: s?.minLanPeers ?? 1,
        groupShared: s !== undefined && sharesGroupBindings(s),
      };
      for (;;) {
        const step = blockStep(facts);
        if ('read' in step) {
          facts = step.read === 'holders' ? { ...facts, holders: await init.holders(key) } : { ...facts, named: await init.named(key) };
          continue;
        }
        if (!step.answer) return { status: 'refused' };
        const bytes = await init.block(key);
        return bytes ? { status: 'found', bytes } : { status: 'not-found' };
      }
    },
    // The set of listed files a browser holds is a browsing fingerprint: only its LAN nodes,
    // which replicate from it, are told. No browser asks another (they learn what the office
    // holds from the node's own have answer).
    have: async (peer) => (init.isLanNode(peer) ? init.listedHeld() : []),
    // WebRTC connections between browsers are not inside the private network (only the relay's
    // signalling is), so "a member" cannot be told from a stranger there: the LAN nodes only.
    bindings: async (peer) => (init.isLanNode(peer) ? init.observed() : []),
    acceptsUpdate: (peer) => init.isLanNode(peer),
  };
}
