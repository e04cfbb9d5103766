/**
 * The public hash list (docs: /work/shared/design/architecture.md, "Trust", source 2):
 * popular npm library files, their sha384 digests, and the exact-version jsDelivr and
 * unpkg URLs that serve those bytes, so a URL can be bound to a hash before any download.
 */
export { CDNS, cdnUrls, formatCdnUrl, parseCdnUrl, type Cdn, type CdnFileRef } from './cdn-url.ts';
export { decodeHashList, type DecodedAlias, type DecodedFileRef, type DecodedHashList, type DecodedPackage, type DecodedVersion } from './decode.ts';
export {
  encodeHashList,
  type HashListFileRef,
  type HashListSource,
  type HashListSourceAlias,
  type HashListSourceFile,
  type HashListSourcePackage,
  type HashListSourceVersion,
} from './encode.ts';
export { CorruptHashListError, InvalidHashListSourceError, UnsupportedHashListError } from './errors.ts';
export { HASH_LIST_ALGORITHM_CODE, HASH_LIST_DIGEST_LENGTH, HASH_LIST_FORMAT_VERSION, HASH_LIST_MAGIC } from './format.ts';
export { parseHashList, type HashList, type HashListEntry, type HashListMeta, type HashListStats, type PackagedFile } from './hash-list.ts';
export { isAliasUrl, isExactVersion, isFilePath, isPackageName } from './names.ts';
export { contentTypeForPath } from './content-type.ts';
