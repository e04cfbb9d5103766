/**
 * Named errors of the limits module. Callers branch on `instanceof` or on `name` (the latter
 * survives structured cloning between extension contexts).
 */

/** A limit was configured or used with a value that has no meaning (negative, NaN, too big). */
export class InvalidLimitError extends RangeError {
  override name = 'InvalidLimitError';
}
