/**
 * Subresource Integrity metadata: parse, choose the strongest, format, and match bytes.
 *
 * Spec: https://w3c.github.io/webappsec-subresource-integrity/ (editor's draft, read at
 * commit 632bf53 of w3c/webappsec-subresource-integrity, 2026-03). Where this code
 * departs from the letter of the spec it says so and why.
 */
import { algorithmInfo, isSriAlgorithm, type SriAlgorithm } from './algorithms.ts';
import { decodeBase64Lenient, encodeBase64 } from './base64.ts';
import { computeDigest, digestsEqual, type BytesLike } from './digest.ts';

/** One usable hash from integrity metadata. */
export interface SriEntry {
  /** Canonical lowercase token, whatever case the metadata used. */
  readonly algorithm: SriAlgorithm;
  /** The digest bytes (32, 48 or 64 long). */
  readonly digest: Uint8Array;
  /**
   * Canonical standard base64 (with padding) of `digest`: the same string for the same
   * digest whether the metadata spelled it in base64url, unpadded, or padded.
   */
  readonly base64: string;
}

/**
 * A token with a valid algorithm. `digest` is null when the value does not decode to a
 * digest of the right length; such a token can never match, but it still counts when
 * choosing the strongest algorithm (see {@link bytesMatchSri}).
 */
interface ParsedToken {
  readonly algorithm: SriAlgorithm;
  readonly digest: Uint8Array | null;
}

// Infra "ASCII whitespace": TAB, LF, FF, CR, SPACE (https://infra.spec.whatwg.org/#ascii-whitespace).
const ASCII_WHITESPACE = /[\t\n\f\r ]+/;

/**
 * The spec's "parse metadata", keeping every token whose algorithm is valid.
 *
 * - Algorithm tokens are compared after ASCII lowercasing: "A string is a valid SRI hash
 *   algorithm token if its ASCII lowercase is contained in the valid SRI hash algorithm
 *   token set" (added by w3c/webappsec-subresource-integrity#126, 2024-10). Blink's
 *   subresource_integrity.cc, as last read, still matched case-sensitively; accepting
 *   `SHA384-…` here can only make us check more, never less.
 * - The value is everything after the FIRST `-`. The spec says "strictly split on `-`"
 *   and takes item [1], which would cut a base64url value at its first `-`; Chromium and
 *   WebKit accept base64url, so we keep the whole remainder
 *   (https://github.com/w3c/webappsec-subresource-integrity/issues/121).
 * - Everything from the first `?` on is options, which must be ignored ("the user agent
 *   MUST ignore all unrecognized option-expressions"; none are defined).
 */
function parseTokens(metadata: string): ParsedToken[] {
  const result: ParsedToken[] = [];
  for (const item of metadata.split(ASCII_WHITESPACE)) {
    if (item === '') continue;
    const question = item.indexOf('?');
    const expression = question === -1 ? item : item.slice(0, question);
    const dash = expression.indexOf('-');
    const algorithm = asciiLowercase(dash === -1 ? expression : expression.slice(0, dash));
    if (!isSriAlgorithm(algorithm)) continue;
    const value = dash === -1 ? '' : expression.slice(dash + 1);
    const digest = decodeBase64Lenient(value);
    const usable = digest !== null && digest.length === algorithmInfo(algorithm).digestLength;
    result.push({ algorithm, digest: usable ? digest : null });
  }
  return result;
}

/**
 * Parse SRI integrity metadata (an `integrity` attribute value, or the same grammar
 * elsewhere) into its usable hashes, in order.
 *
 * Ignored: unknown algorithms (so authors can adopt new ones without breaking older
 * agents), options after `?`, and values that are not base64/base64url of exactly the
 * algorithm's digest length.
 *
 * @example
 * ```ts
 * parseSri('sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0= md5-xyz')
 * // [{ algorithm: 'sha256', digest: Uint8Array(32), base64: 'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=' }]
 * ```
 */
export function parseSri(metadata: string): SriEntry[] {
  const entries: SriEntry[] = [];
  for (const { algorithm, digest } of parseTokens(metadata)) {
    if (digest !== null) entries.push({ algorithm, digest, base64: encodeBase64(digest) });
  }
  return entries;
}

/**
 * The spec's "get the strongest metadata from set": every item whose algorithm is the
 * strongest present (sha512 > sha384 > sha256), in input order. Empty in, empty out.
 */
export function strongest<T extends { readonly algorithm: SriAlgorithm }>(set: readonly T[]): T[] {
  let best = -1;
  for (const item of set) best = Math.max(best, algorithmInfo(item.algorithm).strength);
  return set.filter((item) => algorithmInfo(item.algorithm).strength === best);
}

/**
 * The spec's "Do bytes match metadataList?": true if no token has a valid algorithm (no
 * integrity to check), else true if ANY token of the strongest algorithm present matches.
 *
 * A token with a valid algorithm but an unusable value still takes part in choosing the
 * strongest algorithm, as in the spec (which keeps it with its value) and in Chromium
 * (which keeps any value made of base64 characters). So `sha512-garbage sha256-<right>`
 * does NOT match: ignoring the garbled sha512 would let the weaker hash vouch for bytes
 * the browser itself rejects. This is stricter than {@link parseSri}, which lists only
 * usable hashes.
 *
 * Digests are compared as decoded bytes, not base64 text as the spec words it, so that
 * base64url or unpadded values match as they do in browsers (spec issue #121 above).
 */
export async function bytesMatchSri(
  bytes: BytesLike,
  metadataList: string,
  subtle: SubtleCrypto = globalThis.crypto.subtle,
): Promise<boolean> {
  const tokens = parseTokens(metadataList);
  if (tokens.length === 0) return true;
  const candidates = strongest(tokens);
  const algorithm = candidates[0]!.algorithm;
  const usable = candidates.flatMap((token) => (token.digest === null ? [] : [token.digest]));
  if (usable.length === 0) return false;
  const actual = await computeDigest(algorithm, bytes, subtle);
  return usable.some((digest) => digestsEqual(actual, digest));
}

// Infra "ASCII lowercase": only A-Z change. String#toLowerCase would also fold non-ASCII
// letters (e.g. U+212A KELVIN SIGN to "k"), accepting tokens the spec rejects.
function asciiLowercase(text: string): string {
  return text.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}
