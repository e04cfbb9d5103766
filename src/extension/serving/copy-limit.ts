/**
 * Firefox copies a response's body for learning as it streams to the page
 * (platform/firefox/web-request.ts). Each copy holds its body in memory until the end, and a
 * page decides how many responses it starts at once and how big they are (issue 10, item 2):
 * a page loading 1,000 large admissible files at once would hold them all. So copies are
 * bounded in number and in bytes held; a response beyond either is not copied, or its copy is
 * dropped, and the page gets its body exactly as before. Learning only misses it this time.
 */

/** Copies at once: a page's burst of subresources is learned a few at a time over its visits. */
export const MAX_COPIES = 16;
/** Bytes all copies may hold at once; one copy is at most `maxAssetMB` anyway. */
export const MAX_COPY_BYTES = 64 * 1024 * 1024;
/**
 * A copy the browser never ended (neither stop nor error reported) gives its slot back after this,
 * so a lost event cannot stop learning for the background's life.
 */
export const COPY_SLOT_MS = 120_000;

/** One copy's hold on the budget. */
export interface CopySlot {
  /** Takes `n` more bytes for this copy; false (and the copy's bytes given back) past the budget. */
  reserve(n: number): boolean;
  /** The copy ended, whole or not: its slot and bytes are given back. Idempotent. */
  release(): void;
}

export interface CopyLimit {
  /** A slot for one more copy, or undefined when {@link MAX_COPIES} are under way. */
  acquire(): CopySlot | undefined;
  /** Copies under way and the bytes they hold (for tests and the serving view). */
  readonly inFlight: { readonly copies: number; readonly bytes: number };
}

export function createCopyLimit(limits = { copies: MAX_COPIES, bytes: MAX_COPY_BYTES, slotMs: COPY_SLOT_MS }): CopyLimit {
  const state = { copies: 0, bytes: 0 };
  return {
    inFlight: state,
    acquire() {
      if (state.copies >= limits.copies) return undefined;
      state.copies++;
      let held = 0;
      let done = false;
      let dropped = false;
      const giveBackBytes = (): void => {
        state.bytes -= held;
        held = 0;
      };
      const release = (): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        giveBackBytes();
        state.copies--;
      };
      const timer = setTimeout(release, limits.slotMs);
      return {
        reserve(n) {
          if (done || dropped) return false;
          if (state.bytes + n > limits.bytes) {
            // The copy is dropped (the platform discards its chunks): its bytes are free again.
            dropped = true;
            giveBackBytes();
            return false;
          }
          state.bytes += n;
          held += n;
          return true;
        },
        release,
      };
    },
  };
}
