/**
 * Named errors of the block protocol (docs/PROTOCOL.md). Callers branch on `instanceof` or on
 * `name`; {@link isPeerFault} tells which ones prove the peer misbehaved.
 */

/** The peer broke the wire format: a bad status byte or varint, a truncated or overlong body. */
export class BlockProtocolError extends Error {
  override name = 'BlockProtocolError';
}

/** The bytes the peer sent do not hash to the requested multihash. */
export class BlockIntegrityError extends Error {
  override name = 'BlockIntegrityError';
}

/** No byte arrived for `stallMs` while more were due. */
export class BlockStallError extends Error {
  override name = 'BlockStallError';
  readonly stallMs: number;

  constructor(stallMs: number, what: string) {
    super(`No data for ${stallMs} ms while waiting for ${what}`);
    this.stallMs = stallMs;
  }
}

/** The peer announced a block larger than the caller accepts; nothing of it was read. */
export class BlockTooLargeError extends Error {
  override name = 'BlockTooLargeError';
  readonly announced: number;
  readonly maxBytes: number;

  constructor(announced: number, maxBytes: number) {
    super(`Peer announced ${announced} bytes, more than the ${maxBytes} accepted`);
    this.announced = announced;
    this.maxBytes = maxBytes;
  }
}

/** The whole request took longer than `timeoutMs`. */
export class BlockTimeoutError extends Error {
  override name = 'BlockTimeoutError';
}

/**
 * The stream was reset or its connection lost before the block was complete: a crash, a
 * shutdown or a network fault look the same, so this is not proof of malice.
 */
export class BlockResetError extends Error {
  override name = 'BlockResetError';
}

const PEER_FAULTS = new Set(['BlockProtocolError', 'BlockIntegrityError']);

/**
 * True when `err` proves the peer sent bad bytes (wrong content, garbage, an overrun, a
 * cleanly closed but truncated body): the caller should disconnect and penalise it. Stalls,
 * timeouts, resets and over-large announcements are not proof: an honest peer on a poor link,
 * or one holding a big asset, causes them too.
 */
export function isPeerFault(err: unknown): boolean {
  return err instanceof Error && PEER_FAULTS.has(err.name);
}

/** Serving side: the upload limit would hold one chunk back longer than allowed. */
export class BlockUploadLimitError extends Error {
  override name = 'BlockUploadLimitError';
}
