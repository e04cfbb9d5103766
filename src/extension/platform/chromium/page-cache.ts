/**
 * Reads a file from the HTTP cache of the page that just loaded it (issue 12, "never twice";
 * when to, core/serving/page-cache.ts). The extension's own fetch has its own cache partition:
 * a second download. A content script's fetch uses its page's partition, so a small function
 * injected into the ISOLATED world of that very document (never the MAIN world: the page's
 * globals, its fetch included, are not ours to trust there) reads the cached entry with no
 * request to the origin (measured, Chromium 156). Injected by `scripting.executeScript`, not
 * asked of the declared content script: that one runs at document_idle, usually after the
 * page's files arrived, and must stay small (issue 11).
 */
import type { HeaderPair } from './web-request.ts';

/** The document a page's request came from (webRequest's tabId and documentId). */
export interface PageDocument {
  readonly tabId: number;
  readonly documentId: string;
}

export type PageCacheFailure = 'no-document' | 'service-worker' | 'status' | 'too-large' | 'failed';

/** What a read in the page's document gave. */
export type PageCacheRead =
  | {
      readonly ok: true;
      readonly bytes: Uint8Array;
      /** The headers a CORS read sees: type, length, Last-Modified, ETag when exposed. */
      readonly headers: readonly HeaderPair[];
      /** webRequest saw the read answered from the HTTP cache (false: it went to the origin, or was not seen). */
      readonly fromCache: boolean;
    }
  | {
      readonly ok: false;
      readonly reason: PageCacheFailure;
      /** A request was made: it may have reached the origin. */
      readonly requested: boolean;
    };

/** What the injected function returns: JSON, the only shape that crosses back in Chromium. */
type InPage = { base64: string; headers: [string, string][] } | { failure: PageCacheFailure; requested: boolean };

/**
 * Runs in the page's document, in the extension's isolated world: self-contained (it is
 * serialised), bounded in size and time, and it never reads through a page's service worker.
 */
async function readInPage(url: string, maxBytes: number, timeoutMs: number): Promise<InPage> {
  try {
    // A page's service worker would answer the read with bytes of the page's choosing.
    if (navigator.serviceWorker?.controller) return { failure: 'service-worker', requested: false };
  } catch {
    return { failure: 'service-worker', requested: false };
  }
  try {
    const res = await fetch(url, { cache: 'force-cache', mode: 'cors', credentials: 'omit', redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    if (res.status !== 200 || !res.body) return { failure: 'status', requested: true };
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = res.body.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      size += r.value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        return { failure: 'too-large', requested: true };
      }
      chunks.push(r.value);
    }
    // base64: the result crosses back as JSON. A data: URL is the browser's own fast encoder.
    const dataUrl = await new Promise<string>((resolve, reject) => {
      const fr = new FileReader();
      fr.onload = () => resolve(String(fr.result));
      fr.onerror = () => reject(fr.error);
      fr.readAsDataURL(new Blob(chunks as BlobPart[]));
    });
    const headers = ['content-type', 'content-length', 'last-modified', 'etag'].flatMap((n): [string, string][] => {
      const v = res.headers.get(n);
      return v === null ? [] : [[n, v]];
    });
    return { base64: dataUrl.slice(dataUrl.indexOf(',') + 1), headers };
  } catch {
    return { failure: 'failed', requested: true };
  }
}

function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** How long the read's own webRequest event may trail its result. */
const EVENT_GRACE_MS = 1_000;

/**
 * Reads `url` from the HTTP cache of `doc`, at most `maxBytes`, within `timeoutMs`; whether the
 * answer came from the cache is what webRequest says of the read's own request.
 */
export async function readPageCache(doc: PageDocument, url: string, maxBytes: number, timeoutMs: number): Promise<PageCacheRead> {
  let seen: boolean | undefined;
  let wake: (() => void) | undefined;
  const own = (d: { url: string; documentId?: string; fromCache: boolean }): void => {
    if (d.url !== url || d.documentId !== doc.documentId) return;
    seen = d.fromCache;
    wake?.();
  };
  const filter = { urls: ['https://*/*'], tabId: doc.tabId, types: ['xmlhttprequest' as chrome.webRequest.ResourceType] };
  chrome.webRequest.onCompleted.addListener(own, filter);
  chrome.webRequest.onErrorOccurred.addListener(own, filter);
  try {
    let result: InPage | undefined;
    try {
      const injected = chrome.scripting.executeScript({
        target: { tabId: doc.tabId, documentIds: [doc.documentId] },
        world: 'ISOLATED',
        injectImmediately: true,
        func: readInPage,
        args: [url, maxBytes, timeoutMs],
      });
      // Bounded here too: an injection that never runs (a frozen document) must not hold a learning slot.
      // It may still run later, so it counts as a request made.
      const late = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), timeoutMs + EVENT_GRACE_MS));
      const settled = await Promise.race([injected, late]);
      if (settled === 'late') return { ok: false, reason: 'failed', requested: true };
      result = settled[0]?.result as InPage | undefined;
    } catch {
      // The document is gone (navigated, closed) or may not be scripted.
    }
    if (!result) return { ok: false, reason: 'no-document', requested: false };
    if ('failure' in result) return { ok: false, reason: result.failure, requested: result.requested };
    if (seen === undefined) await new Promise<void>((resolve) => ((wake = resolve), setTimeout(resolve, EVENT_GRACE_MS)));
    return { ok: true, bytes: fromBase64(result.base64), headers: result.headers.map(([name, value]) => ({ name, value })), fromCache: seen === true };
  } finally {
    chrome.webRequest.onCompleted.removeListener(own);
    chrome.webRequest.onErrorOccurred.removeListener(own);
  }
}
