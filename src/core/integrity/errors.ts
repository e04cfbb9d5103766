/**
 * Named errors of the integrity module. Callers branch on `instanceof` or on `name`
 * (the latter survives structured cloning between extension contexts, where the
 * prototype chain does not).
 */

/** A multihash uses a hash function this cache does not accept (only SHA-2 256/384/512). */
export class UnsupportedMultihashError extends Error {
  override name = 'UnsupportedMultihashError';
  /** The multihash function code that was read. */
  readonly code: number;

  constructor(code: number) {
    super(`Unsupported multihash function code 0x${code.toString(16)}`);
    this.code = code;
  }
}

/** Multihash bytes, or their database-key string form, are not well formed. */
export class MalformedMultihashError extends Error {
  override name = 'MalformedMultihashError';
}

/** An unsigned varint is truncated, too long, not minimally encoded or too large. */
export class MalformedVarintError extends Error {
  override name = 'MalformedVarintError';
}

/** A hash algorithm name outside sha256/sha384/sha512 reached an API that needs one. */
export class UnsupportedAlgorithmError extends Error {
  override name = 'UnsupportedAlgorithmError';
  readonly algorithm: string;

  constructor(algorithm: string) {
    super(`Unsupported hash algorithm ${JSON.stringify(algorithm)}`);
    this.algorithm = algorithm;
  }
}

/** A digest does not have the length its algorithm produces (32, 48 or 64 bytes). */
export class InvalidDigestLengthError extends Error {
  override name = 'InvalidDigestLengthError';
}
