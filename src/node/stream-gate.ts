/**
 * A cap on streams in progress for the LAN node's protocols other than blocks (issue 10, item
 * 4): in all, and per IP address (remote-host.ts), so that neither many streams nor many
 * minted peer ids make the node build many answers at once. Each answer can be megabytes (a
 * have list of 10,000 keys, a group book of 4 MiB, an update read of 5 MiB), held until the
 * peer reads it; libp2p's own bound is per connection (32 streams a protocol), not per node.
 *
 * Over the cap for its address a stream is reset at once (that machine already has its share
 * in progress); over the cap in all it waits, in order, for a bounded time, since honest asks
 * come in bursts (every browser asks when the node restarts) and are quick. A reset costs an
 * asker nothing but time: every question here is asked again periodically.
 */
import type { Connection, Stream } from '@libp2p/interface';
import type { Multiaddr } from '@multiformats/multiaddr';
import { PeerStreamCounter } from '../core/limits/index.ts';
import { remoteHostOf } from '../p2p/remote-host.ts';

type Handler = (stream: Stream, connection: Connection) => Promise<void> | void;

/** Options of {@link createStreamGate}. */
export interface StreamGateInit {
  /** Streams in progress in all. */
  readonly maxTotal: number;
  /** Streams in progress from one IP address (or one peer id, without an address of its own). */
  readonly maxPerAddress: number;
  /** Most streams waiting for a slot; more are reset. Default 256. */
  readonly maxWaiting?: number;
  /** Longest a stream waits for a slot before it is reset. Default 5 000 ms. */
  readonly waitMs?: number;
  /** Told of every stream reset for want of a slot (for metrics). */
  readonly onRefuse?: () => void;
  /** The address a connection counts under; undefined counts it per peer id. Default its IP. */
  readonly addressOf?: (remoteAddr: Multiaddr) => string | undefined;
}

/** Wraps handlers so that together they stay within the caps. */
export interface StreamGate {
  wrap(handler: Handler): Handler;
  /** Streams in progress and waiting, and how many were turned away. */
  stats(): { active: number; waiting: number; refused: number };
}

export function createStreamGate(init: StreamGateInit): StreamGate {
  const perAddress = new PeerStreamCounter({ maxPerPeer: init.maxPerAddress });
  const maxWaiting = init.maxWaiting ?? 256;
  const waitMs = init.waitMs ?? 5_000;
  const waiting: (() => void)[] = [];
  let active = 0;
  let refused = 0;

  function next(): void {
    while (active < init.maxTotal && waiting.length > 0) waiting.shift()!();
  }

  /** Resolves true once a slot is taken, false when none came in time (or nobody may wait). */
  function takeSlot(): Promise<boolean> {
    if (active < init.maxTotal && waiting.length === 0) {
      active++;
      return Promise.resolve(true);
    }
    if (waiting.length >= maxWaiting) return Promise.resolve(false);
    return new Promise((resolve) => {
      const go = (): void => {
        clearTimeout(timer);
        active++;
        resolve(true);
      };
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(go), 1);
        resolve(false);
      }, waitMs);
      waiting.push(go);
    });
  }

  return {
    wrap: (handler) => async (stream, connection) => {
      const releaseAddress = perAddress.tryAcquire((init.addressOf ?? remoteHostOf)(connection.remoteAddr) ?? connection.remotePeer.toString());
      if (releaseAddress === null) {
        refused++;
        init.onRefuse?.();
        return stream.abort(new Error('Too many streams from this address'));
      }
      try {
        if (!(await takeSlot())) {
          refused++;
          init.onRefuse?.();
          return stream.abort(new Error('Node busy'));
        }
        try {
          await handler(stream, connection);
        } finally {
          active--;
          next();
        }
      } finally {
        releaseAddress();
      }
    },
    stats: () => ({ active, waiting: waiting.length, refused }),
  };
}
