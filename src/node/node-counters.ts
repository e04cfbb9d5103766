/**
 * Counters the LAN node keeps for its status page and Prometheus metrics, fed at the block
 * protocol boundary: every request the block server asks the node about, and every block
 * payload byte that leaves (served) or arrives (stored from a peer); and every stream a limit
 * turned away before it was read (node-limits.ts).
 */
import type { BlockLimit } from '../p2p/block/index.ts';

/** How the node answered a block request; the label of `peercache_block_requests_total`. */
export type BlockRequestStatus = 'found' | 'not-found' | 'refused' | 'error';

/** The label values, in the order metrics list them. */
export const BLOCK_REQUEST_STATUSES: readonly BlockRequestStatus[] = ['found', 'not-found', 'refused', 'error'];

/** What turned a stream away: a block server limit, or the caps on the other protocols. */
export type NodeLimit = BlockLimit | 'other-streams';

/** The label values of `peercache_limited_total`, in the order metrics list them. */
export const NODE_LIMITS: readonly NodeLimit[] = ['total-streams', 'address-streams', 'peer-streams', 'address-rate', 'peer-rate', 'penalised', 'other-streams'];

/** Monotonic counters since the node started. */
export interface NodeCounters {
  /** Block payload bytes received from peers into the hosted cache. */
  bytesIn: number;
  /** Block payload bytes served to peers. */
  bytesOut: number;
  readonly requests: Record<BlockRequestStatus, number>;
  /** Streams turned away by a limit, by limit (before any request was read). */
  readonly limited: Record<NodeLimit, number>;
}

/** Fresh zeroed counters. */
export function createNodeCounters(): NodeCounters {
  const limited = Object.fromEntries(NODE_LIMITS.map((l) => [l, 0])) as Record<NodeLimit, number>;
  return { bytesIn: 0, bytesOut: 0, requests: { found: 0, 'not-found': 0, refused: 0, error: 0 }, limited };
}
