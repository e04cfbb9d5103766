/**
 * Serving: what may be answered from the cache, to which site, and in which form (the
 * Chromium `data:` path). Pure decisions; the engines in src/extension/serving apply them.
 */
export { checkDataUrlServable, dataUrlFor, isDataUrlServable, type DataUrlRefusal, type DataUrlVerdict } from './asset-checks.ts';
export {
  CSP_DESTINATIONS,
  evaluateCsp,
  evaluateDocumentCsp,
  parseCspHeaders,
  parseCspList,
  parseMetaCsp,
  parseSerializedCsp,
  policyAllowsData,
  type CspDestination,
  type CspPolicy,
  type CspVerdict,
} from './csp.ts';
export { findCssRelativeReference, isBaseIndependentCssUrl, type CssFinding } from './css-scan.ts';
export {
  CHROMIUM_MAX_URL_CHARS,
  DATA_URL_MAX_BYTES,
  DATA_URL_MAX_LENGTH,
  base64Length,
  buildDataUrl,
  dataUrlLength,
  dataUrlMediaType,
  fitsDataUrl,
} from './data-url.ts';
export { InvalidServingInputError, InvalidSiteSafetySnapshotError, RuleIdsExhaustedError } from './errors.ts';
export {
  ASSET_RULE_IDS,
  DEFAULT_HOT_SET_BUDGET,
  DEFAULT_SCORE_HALF_LIFE_MS,
  FIXED_RULE_IDS,
  chooseHotSet,
  createRuleIdAllocator,
  diffRuleSets,
  usageScore,
  type HotSet,
  type HotSetBudget,
  type HotSetCandidate,
  type HotSetExclusion,
  type RuleIdAllocator,
  type RuleIdRange,
  type RuleSetDiff,
} from './hot-set.ts';
export { findModuleSyntax, type JsFinding } from './js-scan.ts';
export { networkRefusal, parseCorp, typeLoadsAs, type NetworkRefusal, type PageRequest, type ResponseAccess, type RestrictiveCorp } from './network-refusal.ts';
export {
  bindingVerdict,
  crossSiteVerdict,
  mayServeCrossSite,
  type BindingPopularity,
  type PrivacyGateInput,
  type PrivacyGateReason,
  type PrivacyGateVerdict,
} from './privacy-gate.ts';
export {
  DEFAULT_MAX_HOSTS,
  DEFAULT_QUARANTINE_MS,
  createSiteSafety,
  decodeSiteSafetySnapshot,
  normalizeHost,
  type DestinationVerdicts,
  type GateHosts,
  type HostSafetyRecord,
  type SiteSafety,
  type SiteSafetyInit,
  type SiteSafetySnapshot,
} from './site-safety.ts';
