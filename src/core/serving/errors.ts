/**
 * Named errors of the serving module. Callers branch on `instanceof` or on `name` (the
 * latter survives structured cloning between extension contexts, where the prototype chain
 * does not). Each one marks a caller bug or corrupt stored state, never a page's content:
 * content that cannot be served gives a verdict with a reason, not an exception.
 */

/** A numeric input (a budget, a peer count, a rule id range) is outside what it may be. */
export class InvalidServingInputError extends RangeError {
  override name = 'InvalidServingInputError';
}

/** A stored site-safety snapshot does not have the shape this version writes. */
export class InvalidSiteSafetySnapshotError extends Error {
  override name = 'InvalidSiteSafetySnapshotError';
}

/** Every id of the asset rule id range is taken. */
export class RuleIdsExhaustedError extends Error {
  override name = 'RuleIdsExhaustedError';
  /** The range that is full. */
  readonly first: number;
  readonly last: number;

  constructor(first: number, last: number) {
    super(`No free rule id left in ${first}..${last}`);
    this.first = first;
    this.last = last;
  }
}
