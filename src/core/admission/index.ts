/**
 * Admission: which observed responses may enter the shared cache, and for how long
 * their URL -> hash bindings hold.
 */
export {
  DEFAULT_MIN_FRESHNESS_MS,
  decideAdmission,
  type Admitted,
  type AdmissionDecision,
  type AdmissionLimits,
  type AdmissionRefusal,
  type ObservedResponse,
  type Refused,
  type Validators,
} from './admission.ts';
export { assetTypeOfEssence, classifyContentType, mimeEssence, type AssetType } from './asset-type.ts';
export {
  DELTA_SECONDS_MAX,
  parseCacheControl,
  readDeltaSeconds,
  readResponseCacheControl,
  type CacheControlDirectives,
  type DeltaSeconds,
  type DirectiveOccurrence,
  type ResponseCacheControl,
} from './cache-control.ts';
export { computeFreshness, type Freshness } from './freshness.ts';
export { createHeaderLookup, splitList, type HeaderInput, type HeaderLookup } from './headers.ts';
export { parseHttpDate } from './http-date.ts';
export { TOLERATED_VARY, checkVary, type VaryVerdict } from './vary.ts';
