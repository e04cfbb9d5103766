// How many samples each figure takes; shared by webrtc.bench.ts (baselines) and scenario.ts.
export const SETUP_RUNS = 7;
export const BULK_RUNS = 7;
export const SMALL_RUNS = 21;
/** WebRTC dials (the first, then fresh ones after both sides hung up): enough to see a rare failure. */
export const WEBRTC_DIALS = Number(process.env.WEBRTC_DIALS ?? 50);
