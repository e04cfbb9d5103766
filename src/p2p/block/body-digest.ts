/**
 * The digest of a block body, taken part by part as the body arrives where the runtime has an
 * incremental hash (Node's `crypto`: the LAN node), else over the whole body once it is
 * complete (WebCrypto, the only hash in browsers, has no incremental digest).
 *
 * Why not WebCrypto everywhere: in Node its digest copies the body into a thread-pool job and
 * ran at ~360 MB/s here, all of it after the last byte (29 ms of a 10 MiB transfer in
 * bench/block.bench.ts). Hashing each part on arrival costs ~7 ms per 10 MiB with SHA-NI and
 * leaves only the last part to hash once the body is complete. The result is the same digest;
 * the caller compares it in constant time.
 */
import type { createHash as nodeCreateHash } from 'node:crypto';
import { computeDigest, type SriAlgorithm } from '../../core/integrity/index.ts';

/** Hashes one body. */
export interface BodyDigest {
  /** Feed the next bytes of the body, in order. */
  update(bytes: Uint8Array): void;
  /** The digest of the body; `whole` is all of it (what was fed), for hashers that need it at once. */
  digest(whole: Uint8Array): Promise<Uint8Array>;
}

/** Node's `crypto.createHash`, the one thing the incremental digest needs. */
export type CreateHash = typeof nodeCreateHash;

// Detected once (style.md, principle 5). `process.getBuiltinModule` exists in Node ≥ 22.3 and
// nowhere in a browser; a static `node:crypto` import would not bundle for the extension.
const nodeCreateHashIfAny: CreateHash | undefined = globalThis.process?.getBuiltinModule?.('node:crypto')?.createHash;

/** The best digest this runtime has for `algorithm`. */
export function createBodyDigest(algorithm: SriAlgorithm): BodyDigest {
  return nodeCreateHashIfAny === undefined ? wholeBodyDigest(algorithm) : incrementalBodyDigest(algorithm, nodeCreateHashIfAny);
}

/** Hashes as parts arrive, with Node's `createHash` (its names for SHA-2 are the SRI tokens). */
export function incrementalBodyDigest(algorithm: SriAlgorithm, createHash: CreateHash): BodyDigest {
  const hash = createHash(algorithm);
  return {
    update: (bytes) => void hash.update(bytes),
    digest: async () => new Uint8Array(hash.digest()),
  };
}

/** Hashes the complete body with WebCrypto. */
export function wholeBodyDigest(algorithm: SriAlgorithm): BodyDigest {
  return {
    update: () => {},
    digest: (whole) => computeDigest(algorithm, whole),
  };
}
