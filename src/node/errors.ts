/**
 * Named errors of the LAN node daemon. (`ConfigError` lives beside the configuration it
 * describes, in config.ts.)
 */

/** A string offered as a block key is not a canonical multihash key; it never reaches a path. */
export class InvalidBlockKeyError extends Error {
  override name = 'InvalidBlockKeyError';
}

/** Bytes offered to the hosted cache do not hash to the key they were offered under. */
export class BlockMismatchError extends Error {
  override name = 'BlockMismatchError';
}

/** A block is larger than the whole hosted cache. */
export class BlockTooLargeError extends Error {
  override name = 'BlockTooLargeError';
}

/** The node's identity file exists but cannot be used; the node refuses to invent a new peer id. */
export class IdentityError extends Error {
  override name = 'IdentityError';
}
