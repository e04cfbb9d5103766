/**
 * Per-peer limits for anything that answers peers (the block protocol server): concurrent
 * streams, request rate, and a penalty box for peers that misbehaved. Each keeps memory
 * bounded: a LAN is small, but peer ids are free to make, so no map grows with them unchecked.
 */
import { checkLimit, systemClock, type Clock } from './clock.ts';
import { InvalidLimitError } from './errors.ts';
import { TokenBucket } from './token-bucket.ts';

const DEFAULT_MAX_PEERS = 1024;

/** Options of {@link PeerStreamCounter}. */
export interface PeerStreamCounterInit {
  /** Streams one peer may have open at once; ≥ 1. */
  readonly maxPerPeer: number;
  /** Streams all peers together may have open; default unlimited. */
  readonly maxTotal?: number;
}

/**
 * Counts open streams per peer. Entries exist only while a peer has a stream open, so memory
 * is bounded by the streams libp2p lets in (`maxInboundStreams` per connection).
 */
export class PeerStreamCounter {
  readonly maxPerPeer: number;
  readonly maxTotal: number;
  readonly #open = new Map<string, number>();
  #total = 0;

  constructor(init: PeerStreamCounterInit) {
    this.maxPerPeer = checkLimit('maxPerPeer', init.maxPerPeer, true);
    if (this.maxPerPeer < 1) throw new InvalidLimitError('maxPerPeer must be ≥ 1');
    this.maxTotal = init.maxTotal === undefined ? Infinity : checkLimit('maxTotal', init.maxTotal, true);
  }

  /**
   * Take a slot for `peer`: a release function (idempotent) or null when the peer, or
   * everyone together, is at the limit.
   */
  tryAcquire(peer: string): (() => void) | null {
    const count = this.#open.get(peer) ?? 0;
    if (count >= this.maxPerPeer || this.#total >= this.maxTotal) return null;
    this.#open.set(peer, count + 1);
    this.#total++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#total--;
      const left = (this.#open.get(peer) ?? 1) - 1;
      if (left <= 0) this.#open.delete(peer);
      else this.#open.set(peer, left);
    };
  }

  /** Streams `peer` has open. */
  openFor(peer: string): number {
    return this.#open.get(peer) ?? 0;
  }

  /** Streams open in all. */
  get total(): number {
    return this.#total;
  }
}

/** Options of {@link PeerRateLimiter}. */
export interface PeerRateLimiterInit {
  /** Sustained requests per minute per peer; 0 refuses every request. */
  readonly perMinute: number;
  /** Requests a peer may make at once; default `perMinute` (a page load asks for many). */
  readonly burst?: number;
  /** Peers tracked at once; default 1024. */
  readonly maxPeers?: number;
  readonly now?: Clock;
}

/**
 * A token bucket per peer. When `maxPeers` are tracked, buckets that have refilled are
 * dropped first (a fresh bucket is full, so nothing is forgotten), then the least recently
 * used. A peer pushed out gets a fresh burst: acceptable on a LAN, where each peer id costs
 * a gated, encrypted connection.
 */
export class PeerRateLimiter {
  readonly perMinute: number;
  readonly burst: number;
  readonly maxPeers: number;
  readonly #now: Clock;
  // Map order is use order: re-inserted on every take.
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(init: PeerRateLimiterInit) {
    this.perMinute = checkLimit('perMinute', init.perMinute);
    this.burst = Math.max(1, checkLimit('burst', init.burst ?? this.perMinute));
    this.maxPeers = Math.max(1, checkLimit('maxPeers', init.maxPeers ?? DEFAULT_MAX_PEERS, true));
    this.#now = init.now ?? systemClock;
  }

  /** True (and one request counted) if `peer` may make a request now. */
  tryTake(peer: string): boolean {
    if (this.perMinute === 0) return false;
    let bucket = this.#buckets.get(peer);
    if (bucket === undefined) {
      this.#makeRoom();
      bucket = new TokenBucket({ capacity: this.burst, refillPerSecond: this.perMinute / 60, now: this.#now });
    }
    this.#buckets.delete(peer);
    this.#buckets.set(peer, bucket);
    return bucket.take(1).ok;
  }

  /** Peers tracked now (for tests and metrics). */
  get size(): number {
    return this.#buckets.size;
  }

  #makeRoom(): void {
    if (this.#buckets.size < this.maxPeers) return;
    for (const [peer, bucket] of this.#buckets) {
      if (bucket.available >= bucket.capacity) this.#buckets.delete(peer);
    }
    while (this.#buckets.size >= this.maxPeers) {
      const oldest = this.#buckets.keys().next().value as string;
      this.#buckets.delete(oldest);
    }
  }
}

/** Options of {@link PenaltyBox}. */
export interface PenaltyBoxInit {
  /** How long a peer is refused after a fault; default 10 minutes. */
  readonly durationMs?: number;
  /** Peers held at once; default 1024. */
  readonly maxEntries?: number;
  readonly now?: Clock;
}

/**
 * Peers that sent bad bytes (a digest mismatch, an overrun, garbage) are refused for a while.
 * When full, expired entries go first, then the one whose penalty ends soonest.
 */
export class PenaltyBox {
  readonly durationMs: number;
  readonly maxEntries: number;
  readonly #now: Clock;
  // Map order is penalty order; with one duration that is also expiry order.
  readonly #until = new Map<string, number>();

  constructor(init: PenaltyBoxInit = {}) {
    this.durationMs = checkLimit('durationMs', init.durationMs ?? 10 * 60_000);
    this.maxEntries = Math.max(1, checkLimit('maxEntries', init.maxEntries ?? DEFAULT_MAX_PEERS, true));
    this.#now = init.now ?? systemClock;
  }

  /** Refuse `peer` for `durationMs` from now (a repeat offence restarts the time). */
  penalise(peer: string): void {
    this.#until.delete(peer);
    this.#prune();
    while (this.#until.size >= this.maxEntries) {
      this.#until.delete(this.#until.keys().next().value as string);
    }
    this.#until.set(peer, this.#now() + this.durationMs);
  }

  /** True while `peer` is penalised. */
  isPenalised(peer: string): boolean {
    return this.remainingMs(peer) > 0;
  }

  /** Milliseconds of penalty left for `peer`, 0 if none. */
  remainingMs(peer: string): number {
    const until = this.#until.get(peer);
    if (until === undefined) return 0;
    const left = until - this.#now();
    if (left <= 0) this.#until.delete(peer);
    return Math.max(0, left);
  }

  /** Entries held (expired ones may linger until the next penalty). */
  get size(): number {
    return this.#until.size;
  }

  #prune(): void {
    const now = this.#now();
    for (const [peer, until] of this.#until) if (until <= now) this.#until.delete(peer);
  }
}
