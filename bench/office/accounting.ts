// Where the office's WAN bytes go: every byte an origin sends is counted once, by the reason it
// had to cross the WAN. The first time a file's bytes enter the office is the theoretical
// minimum's share ('first'); every later crossing has a cause, which the report sums up.
import { transferMs, WAN } from './load-model.ts';

/** Why bytes crossed the WAN. */
export type WanCause =
  /** The first crossing of these bytes into the office (what the minimum counts). */
  | 'first'
  /** Chromium's extra download to learn a file it cannot read from the page's response. */
  | 'learning'
  /**
   * This browser held the file and could serve it, but had not yet seen the site's CSP (its first
   * view of the site), and fewer than `minLanPeers` colleagues had vouched for it (or one saw it
   * refuse `data:`): /peercache/site-safety/1.0.0.
   */
  | 'csp-unknown'
  /** The site's CSP refuses `data:` (Chromium goes to the network; Firefox replaces the body). */
  | 'csp-refuses'
  /** Firefox: a CORS request (fonts, `crossorigin`, module scripts) is sent and its body replaced. */
  | 'cors-request'
  /** Chromium: no rule can answer this URL (no `Access-Control-Allow-Origin: *`, a module script, CSS with relative URLs, too large). */
  | 'no-rule'
  /** The URL's own binding is not popular enough for the privacy gate. */
  | 'privacy-gate'
  /** The office holds the file, this browser not yet (propagation). */
  | 'not-here-yet'
  /** Nobody in the office could answer it (not learned, or not told yet). */
  | 'not-in-lan'
  /** Chromium: the file arrived less than the planning delay ago; no rule yet. */
  | 'rule-delay'
  | 'other';

export const CAUSES: readonly WanCause[] = ['first', 'learning', 'csp-unknown', 'csp-refuses', 'cors-request', 'no-rule', 'privacy-gate', 'not-here-yet', 'not-in-lan', 'rule-delay', 'other'];

/** The office's WAN link: bytes by cause, and which files have entered the office. */
export class WanLink {
  readonly bytes: Record<WanCause, number> = Object.fromEntries(CAUSES.map((c) => [c, 0])) as Record<WanCause, number>;
  /** Bytes of Firefox requests whose body PeerCache replaced (counted above, by cause). */
  replacedBytes = 0;
  private readonly entered = new Set<string>();

  /**
   * A page's download of a file with `digest`, for `cause` (ask {@link hasEntered} first: 'first'
   * when the office never had these bytes). A 'first' that lost a race with a colleague's
   * simultaneous first download counts as 'not-in-lan'.
   */
  page(digest: string, size: number, cause: WanCause): WanCause {
    const c = cause === 'first' && this.entered.has(digest) ? 'not-in-lan' : cause;
    this.entered.add(digest);
    this.bytes[c] += size;
    return c;
  }

  /** Whether these bytes have crossed the WAN into the office before. */
  hasEntered(digest: string): boolean {
    return this.entered.has(digest);
  }

  learning(digest: string, size: number): void {
    this.entered.add(digest);
    this.bytes.learning += size;
  }

  total(): number {
    return CAUSES.reduce((n, c) => n + this.bytes[c], 0);
  }

  /** Real time a download of `size` bytes takes on this link, ms. */
  static downloadMs(size: number): number {
    return transferMs(WAN, size);
  }
}
