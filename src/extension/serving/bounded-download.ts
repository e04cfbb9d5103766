/**
 * Chromium learning's own download of a URL, bounded in size and time (issue 10, item 2): the
 * page chooses the URL, so its origin chooses the body. Without bounds a body that never ends
 * fills the service worker's memory, and one that stalls holds one of learning's two slots for
 * ever. Web-standard fetch and streams only, no browser extension API.
 */

/** What a download gave: the whole body, or why not. */
export type DownloadOutcome =
  | { readonly ok: true; readonly response: Response; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly reason: 'status' | 'refused' | 'too-large' | 'timeout' | 'failed' };

/**
 * Fetches `url` with `init` and reads its 200 body, at most `maxBytes`, everything within
 * `timeoutMs`; past either, the request is aborted (the origin stops sending) and nothing is
 * returned. `accept` may refuse the response from its headers before any body is read.
 */
export async function boundedDownload(
  download: typeof fetch,
  url: string,
  init: RequestInit,
  o: { maxBytes: number; timeoutMs: number; accept?: (res: Response) => boolean },
): Promise<DownloadOutcome> {
  const abort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort(new Error(`no whole body within ${o.timeoutMs} ms`));
  }, o.timeoutMs);
  // A stalled read ends when the abort comes, whether or not the stream itself heeds the signal.
  const aborted = new Promise<never>((_, reject) => abort.signal.addEventListener('abort', () => reject(abort.signal.reason as Error), { once: true }));
  aborted.catch(() => undefined);
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  try {
    const res = await Promise.race([download(url, { ...init, signal: abort.signal }), aborted]);
    const declared = Number(res.headers.get('content-length') ?? 0);
    const refused = res.status !== 200 || !res.body ? 'status' : declared > o.maxBytes ? 'too-large' : o.accept && !o.accept(res) ? 'refused' : undefined;
    if (refused || !res.body) {
      abort.abort();
      return { ok: false, reason: refused ?? 'status' };
    }
    reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const r = await Promise.race([reader.read(), aborted]);
      if (r.done) break;
      size += r.value.byteLength;
      if (size > o.maxBytes) {
        abort.abort();
        return { ok: false, reason: 'too-large' };
      }
      chunks.push(r.value);
    }
    const bytes = new Uint8Array(size);
    let off = 0;
    for (const c of chunks) {
      bytes.set(c, off);
      off += c.byteLength;
    }
    return { ok: true, response: res, bytes };
  } catch {
    return { ok: false, reason: timedOut ? 'timeout' : 'failed' };
  } finally {
    clearTimeout(timer);
    // Tells the source to stop (the stream's cancel); a finished read makes this a no-op.
    void reader?.cancel().catch(() => undefined);
  }
}
