/**
 * The monthly upload cap (`monthlyUploadCapMB`): bytes per calendar month in UTC. UTC, not the
 * local zone, so the month boundary does not move with travel or daylight saving and a LAN
 * node and its browsers agree on it.
 *
 * The state is a small plain object the caller persists (IndexedDB in the extension, a file on
 * the LAN node) and passes back after a restart, so a restart does not reset the allowance.
 */
import { checkLimit, systemClock, type Clock } from './clock.ts';
import { InvalidLimitError } from './errors.ts';

/** The persisted state: usage in one UTC month. */
export interface MonthlyCapState {
  /** `YYYY-MM`, UTC. */
  readonly month: string;
  readonly usedBytes: number;
}

/** Options of {@link MonthlyCap}. */
export interface MonthlyCapInit {
  /** Bytes allowed per month; 0 means no upload at all. */
  readonly capBytes: number;
  /** State saved earlier; a state from an earlier month rolls over to 0 on first use. */
  readonly state?: MonthlyCapState;
  readonly now?: Clock;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The UTC calendar month of a time, as `YYYY-MM`. */
export function utcMonthOf(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Bytes of a cap in MB: 1 MB = 1,000,000 bytes, as ISPs and the settings page count. */
export function megabytesToBytes(mb: number): number {
  return checkLimit('mb', mb) * 1_000_000;
}

/**
 * A state read back from storage, checked; null when it is not one (the caller decides
 * whether to start the month afresh or to stop uploading).
 */
export function parseMonthlyCapState(value: unknown): MonthlyCapState | null {
  if (typeof value !== 'object' || value === null) return null;
  const { month, usedBytes } = value as Record<string, unknown>;
  if (typeof month !== 'string' || !MONTH.test(month)) return null;
  if (typeof usedBytes !== 'number' || !Number.isSafeInteger(usedBytes) || usedBytes < 0) return null;
  return { month, usedBytes };
}

/**
 * Bytes uploaded this UTC month against a cap.
 *
 * @example
 * ```ts
 * const cap = new MonthlyCap({ capBytes: megabytesToBytes(5120), state: await load() });
 * if (cap.tryConsume(block.length)) send(block); else refuse();
 * await save(cap.state());
 * ```
 */
export class MonthlyCap {
  readonly capBytes: number;
  readonly #now: Clock;
  #month: string;
  #used: number;

  constructor(init: MonthlyCapInit) {
    this.capBytes = checkLimit('capBytes', init.capBytes, true);
    this.#now = init.now ?? systemClock;
    if (init.state !== undefined && parseMonthlyCapState(init.state) === null) {
      throw new InvalidLimitError('Monthly cap state is malformed; check it with parseMonthlyCapState first');
    }
    this.#month = init.state?.month ?? utcMonthOf(this.#now());
    this.#used = init.state?.usedBytes ?? 0;
  }

  /** Charge `bytes` if they fit in what is left this month; false (and nothing charged) if not. */
  tryConsume(bytes: number): boolean {
    checkLimit('bytes', bytes, true);
    this.#rollover();
    if (this.#used + bytes > this.capBytes) return false;
    this.#used += bytes;
    return true;
  }

  /** Bytes still allowed this month. */
  remaining(): number {
    this.#rollover();
    return Math.max(0, this.capBytes - this.#used);
  }

  /** Bytes charged this month. */
  used(): number {
    this.#rollover();
    return this.#used;
  }

  /** The state to persist. */
  state(): MonthlyCapState {
    this.#rollover();
    return { month: this.#month, usedBytes: this.#used };
  }

  #rollover(): void {
    const month = utcMonthOf(this.#now());
    // Only forward: a clock set back into an earlier month must not hand out a fresh allowance
    // (string order is month order for four-digit years).
    if (month > this.#month) {
      this.#month = month;
      this.#used = 0;
    }
  }
}
