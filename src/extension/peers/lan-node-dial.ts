/**
 * Dialling the configured LAN nodes, each pinned to its peer id (issue 10, item 1). Anyone on the
 * LAN (any group member, with a key) can listen on a LAN node's address after it goes away, or
 * answer for it; the node is trusted with the group's bindings and with telling this browser
 * what to copy, so an address is trusted only with one peer id:
 * - an address with `/p2p/<id>` (policy or options) must answer with that id: libp2p's noise
 *   handshake refuses any other before a single stream is opened;
 * - an address without one is pinned on first use: the id it answered with first is kept in
 *   extension storage (`onPinned`; background/peer-local-state.ts) and required from then on,
 *   until the user forgets the pins (options page) or the admin configures the id.
 */
import type { Libp2p } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';

/** A LAN node address that answered with another peer id than the one it is pinned to. */
export interface LanNodeRefusal {
  readonly address: string;
  /** The id the address must answer with. */
  readonly expected: string;
  /** Where that id comes from: the address itself, or the first answer (trust on first use). */
  readonly pinnedBy: 'address' | 'first-use';
}

/** The peer id in an address's `/p2p/` component, if any. */
export function peerIdInAddress(address: string): string | undefined {
  try {
    return multiaddr(address).getComponents().findLast((c) => c.name === 'p2p')?.value;
  } catch {
    return undefined;
  }
}

/** The error libp2p's noise handshake gives when the remote's key is not the expected id's. */
const isWrongPeer = (e: unknown): boolean => /does not match expected remote identity|UnexpectedPeer/i.test(`${(e as Error)?.name} ${(e as Error)?.message}`);

export function createLanNodeDialer(init: {
  node: () => Libp2p | undefined;
  log: (line: string) => void;
  /** A configured address reached its node (`again`: it had before, e.g. the node restarted). */
  onConnected: (address: string, peerId: string, again: boolean) => void;
  /** An address without `/p2p/` answered for the first time: remember its id. */
  onPinned: (address: string, peerId: string) => void;
}) {
  /** The node each configured address reached last, and the addresses being dialled now. */
  const nodeOfAddr = new Map<string, string>();
  const dialling = new Set<string>();
  const dialError = new Map<string, string>();
  const refused = new Map<string, LanNodeRefusal>();
  let pins: Readonly<Record<string, string>> = {};

  function refuse(address: string, expected: string, pinnedBy: LanNodeRefusal['pinnedBy']): void {
    if (!refused.has(address)) {
      init.log(`LAN node ${address} answered with another peer id than ${expected} (${pinnedBy === 'address' ? 'the id in its address' : 'the id it answered with first'}); refused. ` +
        (pinnedBy === 'first-use' ? 'If the node was replaced, forget the LAN node ids on the options page or configure the address with /p2p/<id>.' : 'Check the address or the node.'));
    }
    refused.set(address, { address, expected, pinnedBy });
  }

  async function dialOne(address: string): Promise<void> {
    const node = init.node();
    if (!node) return;
    const own = peerIdInAddress(address);
    const expected = own ?? pins[address];
    const pinnedBy = own ? 'address' : 'first-use';
    // With the id in the address, the handshake itself refuses any other node.
    const target = expected && !own ? `${address}/p2p/${expected}` : address;
    try {
      const conn = await node.dial(multiaddr(target), { signal: AbortSignal.timeout(5_000) });
      const id = conn.remotePeer.toString();
      if (expected && id !== expected) {
        // libp2p checked already; never trust on its word alone.
        refuse(address, expected, pinnedBy);
        await conn.close().catch(() => undefined);
        return;
      }
      if (!expected) {
        pins = { ...pins, [address]: id };
        init.log(`LAN node ${address} is ${id}; pinned (trust on first use)`);
        init.onPinned(address, id);
      }
      refused.delete(address);
      dialError.delete(address);
      const again = nodeOfAddr.has(address);
      nodeOfAddr.set(address, id);
      init.onConnected(address, id, again);
    } catch (e) {
      if (expected && isWrongPeer(e)) return refuse(address, expected, pinnedBy);
      // Once per distinct error, not every round.
      if (dialError.get(address) !== String(e)) init.log(`LAN node ${address} unreachable: ${String(e)}`);
      dialError.set(address, String(e));
    }
  }

  return {
    /** The pins from storage (they may have been forgotten: refusals are judged afresh). */
    setPins(p: Readonly<Record<string, string>>): void {
      if (JSON.stringify(p) !== JSON.stringify(pins)) refused.clear();
      pins = p;
    },
    /** Dials the addresses whose node is not connected, one attempt at a time per address. */
    async dial(addrs: readonly string[]): Promise<void> {
      const connected = new Set(init.node()?.getConnections().map((c) => c.remotePeer.toString()));
      await Promise.all(
        addrs.filter((a) => !dialling.has(a) && !connected.has(nodeOfAddr.get(a) ?? '')).map(async (a) => {
          dialling.add(a);
          try {
            await dialOne(a);
          } finally {
            dialling.delete(a);
          }
        }),
      );
    },
    /** Addresses refused for answering with the wrong id, for the popup and options page. */
    refusals: (): LanNodeRefusal[] => [...refused.values()],
    /** The node stopped: nothing is connected any more. */
    reset(): void {
      nodeOfAddr.clear();
      refused.clear();
      dialError.clear();
    },
  };
}
