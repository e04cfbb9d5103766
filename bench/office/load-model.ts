// The page-load model of the office benchmark: simple and stated, so its ratios can be argued
// with. WAN 50 Mbit/s with 40 ms round trips, LAN 500 Mbit/s with 1 ms, a cache hit (the HTTP
// cache, the packaged set, a `data:` answer) ~0. A page costs its document (one WAN round trip
// plus its bytes), then its subresources in parallel: the longest round trip among them plus the
// bytes of each link through its bandwidth (one connection's worth: requests share the link). A
// Firefox request that got its file from LAN peers while it waited is a LAN transfer; a request
// whose body PeerCache replaced costs its WAN round trip, not its bytes.
export const WAN = { bitsPerSecond: 50e6, rttMs: 40 };
export const LAN = { bitsPerSecond: 500e6, rttMs: 1 };

/** Milliseconds to move `bytes` over a link, one round trip included. */
export const transferMs = (link: typeof WAN, bytes: number): number => link.rttMs + (bytes * 8 * 1000) / link.bitsPerSecond;

/** How one subresource was answered, as far as its time goes. */
export interface RequestTiming {
  /** Bytes that came over the WAN (0 for an answer from a cache, or a replaced body's bytes when counted). */
  readonly wanBytes: number;
  /** Bytes that came from a LAN peer for this request. */
  readonly lanBytes: number;
  /** It waited for the network at all (a WAN round trip: a download, or a request whose body is replaced). */
  readonly wanRoundTrip: boolean;
}

/** Estimated load time of one page view, ms. */
export function pageLoadMs(htmlBytes: number, requests: readonly RequestTiming[]): number {
  let wait = 0;
  let wan = 0;
  let lan = 0;
  for (const r of requests) {
    wait = Math.max(wait, r.wanRoundTrip ? WAN.rttMs : r.lanBytes > 0 ? LAN.rttMs : 0);
    wan += r.wanBytes;
    lan += r.lanBytes;
  }
  return transferMs(WAN, htmlBytes) + wait + (wan * 8 * 1000) / WAN.bitsPerSecond + (lan * 8 * 1000) / LAN.bitsPerSecond;
}
