/**
 * Counters the LAN node keeps for its status page and Prometheus metrics, fed at the block
 * protocol boundary: every request the block server asks the node about, and every block
 * payload byte that leaves (served) or arrives (stored from a peer).
 */

/** How the node answered a block request; the label of `peercache_block_requests_total`. */
export type BlockRequestStatus = 'found' | 'not-found' | 'refused' | 'error';

/** The label values, in the order metrics list them. */
export const BLOCK_REQUEST_STATUSES: readonly BlockRequestStatus[] = ['found', 'not-found', 'refused', 'error'];

/** Monotonic counters since the node started. */
export interface NodeCounters {
  /** Block payload bytes received from peers into the hosted cache. */
  bytesIn: number;
  /** Block payload bytes served to peers. */
  bytesOut: number;
  readonly requests: Record<BlockRequestStatus, number>;
}

/** Fresh zeroed counters. */
export function createNodeCounters(): NodeCounters {
  return { bytesIn: 0, bytesOut: 0, requests: { found: 0, 'not-found': 0, refused: 0, error: 0 } };
}
