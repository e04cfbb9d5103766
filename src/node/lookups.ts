/**
 * The LAN node's answers to `/peercache/lookup/1.0.0` (docs/PROTOCOL.md): which block it holds
 * for a URL, and one download per office. The first member to ask about a URL nobody holds is
 * told "unknown" and takes a lease: it will download the file. Members asking while that lease
 * runs wait (bounded) until the block arrives, pushed by the downloader, instead of downloading
 * it too; a lease that runs out (the download failed, or was not worth storing) passes to the
 * next asker.
 */
import type { LookupAnswer } from '../p2p/lookup/index.ts';

/** How long a member may take to download a file and tell the node. */
export const LEASE_MS = 8_000;
/** Most askers waiting at once; more are told "unknown" at once (they download themselves). */
export const MAX_WAITING = 1_000;
/**
 * Most leases held at once. URLs cost nothing to make up, and each lease keeps its URL (up to
 * 2,048 characters) for 8 s; past this an asker downloads without a lease (nobody waits for
 * it) rather than the map growing with a peer's requests (issue 10, item 4).
 */
const MAX_LEASES = 2_000;

export interface Lookups {
  /** What the node holds for `url`, after waiting (bounded) for a colleague's download under way. */
  answer(peer: string, url: string): Promise<LookupAnswer>;
  /** The node holds something new: waiting askers look again. */
  changed(): void;
  /** Askers waiting now, and how many lookups were answered by another member's download. */
  stats(): { waiting: number; coalesced: number };
}

export function createLookups(init: {
  held: (url: string) => LookupAnswer | undefined;
  /** Whether a member's download of `url` will reach the node (listed, or inside a group). */
  coalesces: (url: string) => boolean;
  now: () => number;
  maxWaitMs: number;
}): Lookups {
  const { held, now } = init;
  const leases = new Map<string, { holder: string; until: number }>();
  const waiting = new Set<() => void>();
  let coalesced = 0;

  function take(peer: string, url: string): LookupAnswer {
    const t = now();
    // Expired leases go as new ones are taken: the map stays as small as the downloads under way.
    for (const [u, l] of leases) if (l.until <= t) leases.delete(u);
    if (leases.size < MAX_LEASES || leases.has(url)) leases.set(url, { holder: peer, until: t + LEASE_MS });
    return {};
  }

  async function answer(peer: string, url: string): Promise<LookupAnswer> {
    const found = held(url);
    if (found) return found;
    if (!init.coalesces(url)) return {};
    const deadline = now() + init.maxWaitMs;
    let waited = false;
    for (;;) {
      const got = held(url);
      if (got) {
        if (waited) coalesced++;
        leases.delete(url);
        return got;
      }
      const lease = leases.get(url);
      const t = now();
      if (!lease || lease.until <= t || lease.holder === peer || t >= deadline || waiting.size >= MAX_WAITING) return take(peer, url);
      waited = true;
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          waiting.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.max(1, Math.min(lease.until, deadline) - t));
        waiting.add(wake);
      });
    }
  }

  return {
    answer,
    changed: () => {
      for (const wake of [...waiting]) wake();
    },
    stats: () => ({ waiting: waiting.size, coalesced }),
  };
}
