/**
 * A token bucket: the rate limiter behind the upload speed limit (`maxUploadKbps`) and the
 * per-peer request rate. Tokens refill continuously at `refillPerSecond` up to `capacity`;
 * `take(n)` either takes all `n` at once or none and says how long to wait.
 *
 * Time is injected and only read, never waited on: the caller decides whether and how to
 * sleep, so the same bucket serves a libp2p stream handler and a unit test with a fake clock.
 */
import { checkLimit, systemClock, type Clock } from './clock.ts';
import { InvalidLimitError } from './errors.ts';

/** The answer of {@link TokenBucket.take}: taken, or how long until `n` tokens will be there. */
export type TakeResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** Milliseconds until the request would succeed; `Infinity` if the bucket never refills. */
      readonly waitMs: number;
    };

/** What a consumer of a bucket needs; {@link TokenBucket} is the implementation. */
export interface RateBucket {
  /** The most tokens one `take` may ask for. */
  readonly capacity: number;
  /** Tokens added per second; 0 means the bucket never refills. */
  readonly refillPerSecond: number;
  take(n: number): TakeResult;
}

/** Options of {@link TokenBucket}. */
export interface TokenBucketInit {
  /** Most tokens the bucket holds, i.e. the largest burst; > 0. */
  readonly capacity: number;
  /** Tokens added per second; ≥ 0. */
  readonly refillPerSecond: number;
  /** Tokens at creation; default `capacity` (a fresh bucket allows one full burst). */
  readonly initial?: number;
  readonly now?: Clock;
}

const TAKEN: TakeResult = Object.freeze({ ok: true });

/**
 * A token bucket with an injected clock.
 *
 * @example
 * ```ts
 * const bucket = new TokenBucket({ capacity: 65_536, refillPerSecond: 1_250_000 });
 * const r = bucket.take(65_536);
 * if (!r.ok) await sleep(r.waitMs);
 * ```
 */
export class TokenBucket implements RateBucket {
  readonly capacity: number;
  readonly refillPerSecond: number;
  readonly #now: Clock;
  #tokens: number;
  #last: number;
  #taken = 0;

  constructor(init: TokenBucketInit) {
    this.capacity = checkLimit('capacity', init.capacity);
    if (this.capacity === 0) throw new InvalidLimitError('capacity must be > 0');
    this.refillPerSecond = checkLimit('refillPerSecond', init.refillPerSecond);
    this.#tokens = Math.min(this.capacity, checkLimit('initial', init.initial ?? this.capacity));
    this.#now = init.now ?? systemClock;
    this.#last = this.#now();
  }

  /**
   * Take `n` tokens if they are all there, else none. Asking for more than `capacity` is a
   * caller bug (it could never succeed), so it throws {@link InvalidLimitError}.
   */
  take(n: number): TakeResult {
    checkLimit('n', n);
    if (n > this.capacity) throw new InvalidLimitError(`Cannot take ${n} tokens from a bucket of ${this.capacity}`);
    this.#refill();
    if (this.#tokens >= n) {
      this.#tokens -= n;
      this.#taken += n;
      return TAKEN;
    }
    if (this.refillPerSecond === 0) return { ok: false, waitMs: Infinity };
    return { ok: false, waitMs: Math.max(1, Math.ceil(((n - this.#tokens) * 1000) / this.refillPerSecond)) };
  }

  /** Tokens available now. */
  get available(): number {
    this.#refill();
    return this.#tokens;
  }

  /** All tokens ever taken: the bucket's own accounting (e.g. bytes uploaded). */
  get taken(): number {
    return this.#taken;
  }

  #refill(): void {
    const now = this.#now();
    // A clock that steps back (NTP, a changed system time) adds nothing rather than
    // removing tokens; the next forward step refills from the new reading.
    const elapsed = Math.max(0, now - this.#last);
    this.#last = now;
    this.#tokens = Math.min(this.capacity, this.#tokens + (elapsed * this.refillPerSecond) / 1000);
  }
}

/** Bytes per second of a limit in kbit/s (1 kbit = 1000 bits, as link speeds are quoted). */
export function kbpsToBytesPerSecond(kbps: number): number {
  return (checkLimit('kbps', kbps) * 1000) / 8;
}

/** Options of {@link createUploadBucket}. */
export interface UploadBucketOptions {
  /** The largest single take the consumer makes (the block protocol's 64 KiB chunk). */
  readonly maxTake?: number;
  /** Seconds of traffic the bucket may burst; default 0.1. */
  readonly burstSeconds?: number;
  readonly now?: Clock;
}

/**
 * The upload bucket for the `maxUploadKbps` setting. 0 kbit/s gives a bucket that is empty and
 * never refills, so every take waits forever (`waitMs: Infinity`): "0 means it never uploads".
 *
 * The capacity is the larger of `maxTake` (else a 64 KiB chunk could never be taken) and
 * `burstSeconds` of traffic (else a fast link would be paced by timer resolution: one 64 KiB
 * take per millisecond tops out at 64 MB/s).
 */
export function createUploadBucket(maxUploadKbps: number, options: UploadBucketOptions = {}): TokenBucket {
  const rate = kbpsToBytesPerSecond(maxUploadKbps);
  const maxTake = checkLimit('maxTake', options.maxTake ?? 64 * 1024);
  const capacity = Math.max(maxTake, rate * checkLimit('burstSeconds', options.burstSeconds ?? 0.1), 1);
  return new TokenBucket({ capacity, refillPerSecond: rate, initial: rate === 0 ? 0 : capacity, now: options.now });
}
