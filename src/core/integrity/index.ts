/**
 * Integrity: SRI metadata, SHA-2 digests and multihash names, the hashes every asset in
 * PeerCache is stored, exchanged and verified by.
 */
export { SRI_ALGORITHMS, algorithmInfo, isSriAlgorithm, type AlgorithmInfo, type SriAlgorithm } from './algorithms.ts';
export { decodeBase64Lenient, decodeBase64UrlStrict, encodeBase64, type Base64Alphabet } from './base64.ts';
export { computeDigest, digestsEqual, verifyDigest, type BytesLike, type ExpectedDigest } from './digest.ts';
export {
  InvalidDigestLengthError,
  MalformedMultihashError,
  MalformedVarintError,
  UnsupportedAlgorithmError,
  UnsupportedMultihashError,
} from './errors.ts';
export {
  MULTIHASH_CODES,
  algorithmOfMultihashCode,
  decodeMultihash,
  encodeMultihash,
  keyToMultihash,
  multihashCodeOf,
  multihashToKey,
  sriEntryToKey,
  sriEntryToMultihash,
  verifyMultihashKey,
  type Multihash,
} from './multihash.ts';
export { bytesMatchSri, parseSri, strongest, type SriEntry } from './sri.ts';
export { MAX_VARINT_BYTES, decodeUnsignedVarint, encodeUnsignedVarint, type DecodedVarint } from './varint.ts';
