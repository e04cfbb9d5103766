// How many samples each figure takes; shared by webrtc.bench.ts (baselines) and scenario.ts.
export const SETUP_RUNS = 7;
export const BULK_RUNS = 7;
export const SMALL_RUNS = 21;
