/**
 * The one clock type of the limits module. Limits take it as an argument (style.md, principle
 * 2) so unit tests drive time by hand instead of sleeping.
 */
import { InvalidLimitError } from './errors.ts';

/** Milliseconds since the epoch; `Date.now` in production, a counter in tests. */
export type Clock = () => number;

/** The default clock, looked up on each call so tests may replace `Date.now`. */
export const systemClock: Clock = () => Date.now();

/** Throws {@link InvalidLimitError} unless `value` is a finite number ≥ 0 (integer if asked). */
export function checkLimit(name: string, value: number, integer = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (integer && !Number.isSafeInteger(value))) {
    throw new InvalidLimitError(`${name} must be a ${integer ? 'whole ' : ''}number ≥ 0, got ${String(value)}`);
  }
  return value;
}
