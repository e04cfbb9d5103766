/**
 * Named errors of the hash-list module. Callers branch on `instanceof` or on `name` (the
 * latter survives structured cloning between extension contexts).
 */

/**
 * The hash-list bytes are not a well-formed list: truncated, a count or index out of
 * range, entries out of canonical order, a name or path that could never match a CDN URL.
 * Thrown at parse time, so a damaged or tampered update is refused whole instead of
 * failing later inside a lookup.
 */
export class CorruptHashListError extends Error {
  override name = 'CorruptHashListError';
  /** Byte offset at which the problem was found. */
  readonly offset: number;

  constructor(message: string, offset: number, options?: ErrorOptions) {
    super(`Corrupt hash list at byte ${offset}: ${message}`, options);
    this.offset = offset;
  }
}

/** The bytes are a hash list, but of a format version or hash algorithm this build cannot read. */
export class UnsupportedHashListError extends Error {
  override name = 'UnsupportedHashListError';
}

/** The input given to the encoder cannot be written as a valid list (a build-script bug or bad data). */
export class InvalidHashListSourceError extends Error {
  override name = 'InvalidHashListSourceError';
}
