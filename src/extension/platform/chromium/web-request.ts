/**
 * Chromium webRequest, observation only: MV3 gives normal installs no blocking listeners
 * (platform-notes.md). The background learns from what it observes here.
 */
export interface HeaderPair {
  readonly name: string;
  readonly value: string;
}

/** What a request carried, as far as learning from the page's cache needs it. */
export interface RequestFacts {
  /** A Cookie or Authorization header was sent. */
  readonly credentialed: boolean;
  /** An Origin header was sent (a CORS request). */
  readonly cors: boolean;
}

/** A finished response of a page's subresource. */
export interface ObservedResponse {
  readonly url: string;
  readonly method: string;
  readonly statusCode: number;
  readonly type: string;
  /** Origin of the document that made the request (absent for browser-initiated loads). */
  readonly initiator?: string;
  readonly tabId: number;
  /** The document that made the request, while it is the frame's active one (Chromium 106+). */
  readonly documentId?: string;
  readonly fromCache: boolean;
  readonly responseHeaders: readonly HeaderPair[];
  /** Undefined when the request's headers were not observed (e.g. a service worker started in between). */
  readonly request?: RequestFacts;
}

/** A document's response headers, for its Content-Security-Policy. */
export interface ObservedDocument {
  readonly url: string;
  readonly tabId: number;
  readonly frameId: number;
  readonly responseHeaders: readonly HeaderPair[];
}

const SUBRESOURCES = ['script', 'stylesheet', 'font', 'image', 'xmlhttprequest'] as chrome.webRequest.ResourceType[];

function pairs(headers: chrome.webRequest.HttpHeader[] | undefined): HeaderPair[] {
  return (headers ?? []).map((h) => ({ name: h.name, value: h.value ?? '' }));
}

/** Requests whose headers were seen and whose end was not yet, by requestId; bounded. */
const MAX_PENDING = 1_000;
const pending = new Map<string, RequestFacts>();

function requestFacts(headers: chrome.webRequest.HttpHeader[] | undefined): RequestFacts {
  const names = new Set((headers ?? []).map((h) => h.name.toLowerCase()));
  return { credentialed: names.has('cookie') || names.has('authorization'), cors: names.has('origin') };
}

/** Calls `listener` for each completed HTTPS subresource response, with all its headers. */
export function onSubresourceResponse(listener: (r: ObservedResponse) => void): void {
  const filter = { urls: ['https://*/*'], types: SUBRESOURCES };
  // What the request carried decides whether the page's cache may be read (core/serving/page-cache.ts).
  // extraHeaders: without it Chromium hides Cookie.
  chrome.webRequest.onSendHeaders.addListener(
    (d) => {
      pending.set(d.requestId, requestFacts(d.requestHeaders));
      if (pending.size > MAX_PENDING) pending.delete(pending.keys().next().value as string);
    },
    filter,
    ['requestHeaders', 'extraHeaders'],
  );
  chrome.webRequest.onErrorOccurred.addListener((d) => void pending.delete(d.requestId), filter);
  chrome.webRequest.onCompleted.addListener(
    (d) => {
      const request = pending.get(d.requestId);
      pending.delete(d.requestId);
      const active = d.documentLifecycle === undefined || d.documentLifecycle === 'active';
      listener({
        url: d.url, method: d.method, statusCode: d.statusCode, type: d.type, initiator: d.initiator, tabId: d.tabId, fromCache: d.fromCache,
        ...(d.documentId && active ? { documentId: d.documentId } : {}),
        responseHeaders: pairs(d.responseHeaders),
        ...(request ? { request } : {}),
      });
    },
    filter,
    // extraHeaders: without it Chromium hides Set-Cookie, which admission must see.
    ['responseHeaders', 'extraHeaders'],
  );
}

/** Calls `listener` with each top-level or framed document's response headers. */
export function onDocumentHeaders(listener: (d: ObservedDocument) => void): void {
  chrome.webRequest.onHeadersReceived.addListener(
    (d) => {
      listener({ url: d.url, tabId: d.tabId, frameId: d.frameId, responseHeaders: pairs(d.responseHeaders) });
      return undefined;
    },
    { urls: ['https://*/*'], types: ['main_frame', 'sub_frame'] as chrome.webRequest.ResourceType[] },
    ['responseHeaders', 'extraHeaders'],
  );
}

/** Calls `listener` when a request was redirected to a `data:` URL (our DNR rules did it). */
export function onDataRedirect(listener: (r: { url: string; initiator?: string; type: string }) => void): void {
  chrome.webRequest.onBeforeRedirect.addListener(
    (d) => {
      if (d.redirectUrl.startsWith('data:')) listener({ url: d.url, initiator: d.initiator, type: d.type });
    },
    { urls: ['https://*/*'], types: SUBRESOURCES },
  );
}
