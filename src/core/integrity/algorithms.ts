/**
 * The hash algorithms PeerCache addresses assets by: exactly the SRI set.
 *
 * https://w3c.github.io/webappsec-subresource-integrity/#valid-sri-hash-algorithm-token-set
 * fixes the set to « sha256, sha384, sha512 » and makes its order the strength order.
 */
import { UnsupportedAlgorithmError } from './errors.ts';

/** An SRI hash algorithm token, in its canonical lowercase form. */
export type SriAlgorithm = 'sha256' | 'sha384' | 'sha512';

/** Everything we need to know about one algorithm. */
export interface AlgorithmInfo {
  /** The SRI token, e.g. `sha384`. */
  readonly token: SriAlgorithm;
  /** The WebCrypto `digest()` name. */
  readonly webCryptoName: 'SHA-256' | 'SHA-384' | 'SHA-512';
  /** Digest length in bytes. */
  readonly digestLength: number;
  /** Position in the SRI strength order: higher is stronger. */
  readonly strength: number;
}

/** The SRI algorithms, weakest first (the spec's order). */
export const SRI_ALGORITHMS: readonly SriAlgorithm[] = Object.freeze(['sha256', 'sha384', 'sha512']);

const INFO: Readonly<Record<SriAlgorithm, AlgorithmInfo>> = Object.freeze({
  sha256: Object.freeze({ token: 'sha256', webCryptoName: 'SHA-256', digestLength: 32, strength: 0 }),
  sha384: Object.freeze({ token: 'sha384', webCryptoName: 'SHA-384', digestLength: 48, strength: 1 }),
  sha512: Object.freeze({ token: 'sha512', webCryptoName: 'SHA-512', digestLength: 64, strength: 2 }),
});

/** True if `value` is one of the canonical (lowercase) SRI algorithm tokens. */
export function isSriAlgorithm(value: unknown): value is SriAlgorithm {
  return typeof value === 'string' && Object.hasOwn(INFO, value);
}

/**
 * Facts about `algorithm`. Throws {@link UnsupportedAlgorithmError} for anything else,
 * because values read back from storage or messages are not checked by the compiler.
 */
export function algorithmInfo(algorithm: SriAlgorithm): AlgorithmInfo {
  if (!isSriAlgorithm(algorithm)) throw new UnsupportedAlgorithmError(String(algorithm));
  return INFO[algorithm];
}
