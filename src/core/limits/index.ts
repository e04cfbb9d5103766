/**
 * Limits: upload speed, monthly upload cap and per-peer limits, pure and clock-injected, for
 * whatever answers peers (src/p2p/block) in the browser and on the LAN node alike.
 */
export { systemClock, type Clock } from './clock.ts';
export { InvalidLimitError } from './errors.ts';
export {
  MonthlyCap,
  megabytesToBytes,
  parseMonthlyCapState,
  utcMonthOf,
  type MonthlyCapInit,
  type MonthlyCapState,
} from './monthly-cap.ts';
export {
  PenaltyBox,
  PeerRateLimiter,
  PeerStreamCounter,
  type PenaltyBoxInit,
  type PeerRateLimiterInit,
  type PeerStreamCounterInit,
} from './peer-limits.ts';
export {
  TokenBucket,
  createUploadBucket,
  kbpsToBytesPerSecond,
  type RateBucket,
  type TakeResult,
  type TokenBucketInit,
  type UploadBucketOptions,
} from './token-bucket.ts';
