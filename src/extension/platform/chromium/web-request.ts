/**
 * Chromium webRequest, observation only: MV3 gives normal installs no blocking listeners
 * (platform-notes.md). The background learns from what it observes here.
 */
export interface HeaderPair {
  readonly name: string;
  readonly value: string;
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
  readonly fromCache: boolean;
  readonly responseHeaders: readonly HeaderPair[];
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

/** Calls `listener` for each completed HTTPS subresource response, with all its headers. */
export function onSubresourceResponse(listener: (r: ObservedResponse) => void): void {
  chrome.webRequest.onCompleted.addListener(
    (d) => listener({ ...d, initiator: d.initiator, responseHeaders: pairs(d.responseHeaders) }),
    { urls: ['https://*/*'], types: SUBRESOURCES },
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
