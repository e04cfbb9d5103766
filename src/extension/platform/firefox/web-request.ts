/**
 * Firefox webRequest: blocking, asynchronous listeners and `filterResponseData`, which Firefox
 * (unlike Chromium MV3) gives every extension. The serving engine decides; this file only
 * speaks the API.
 */
import { browser, type WebRequest } from '../browser.ts';

export interface HeaderPair {
  readonly name: string;
  readonly value: string;
}

/** A subresource request about to be sent, with its request headers. */
export interface OutgoingRequest {
  readonly requestId: string;
  readonly url: string;
  readonly method: string;
  readonly type: string;
  readonly tabId: number;
  readonly frameId: number;
  /** URL of the document that made the request. */
  readonly documentUrl?: string;
  readonly requestHeaders: readonly HeaderPair[];
}

/** A subresource response whose headers just arrived. */
export interface IncomingResponse {
  readonly requestId: string;
  readonly url: string;
  readonly method: string;
  readonly statusCode: number;
  readonly type: string;
  readonly tabId: number;
  readonly frameId: number;
  readonly documentUrl?: string;
  readonly responseHeaders: readonly HeaderPair[];
}

/** Ask to receive a copy of the body as the page receives it, up to `maxBytes`. */
export interface TeeRequest {
  readonly maxBytes: number;
  /**
   * Asked before each chunk is kept; false drops the copy (the page still gets every byte):
   * copies share a budget of memory (serving/copy-limit.ts).
   */
  reserve(bytes: number): boolean;
  /** The whole body, or undefined when it was larger than `maxBytes` or failed. */
  onBody(bytes: Uint8Array | undefined): void;
}

const SUBRESOURCES: WebRequest.ResourceType[] = ['script', 'stylesheet', 'font', 'image', 'xmlhttprequest'];
const pairs = (h: WebRequest.HttpHeaders | undefined): HeaderPair[] => (h ?? []).map((x) => ({ name: x.name, value: x.value ?? '' }));

/** What to do once a response's headers are in. */
export type ResponseAction =
  /** Replace the body with these verified bytes; the origin's headers (CORS, CSP, type) stay. */
  | { readonly replaceBody: Uint8Array }
  /** Pass the body through and hand a copy to the learner. */
  | { readonly tee: TeeRequest }
  | undefined;

/** The engine's two moments in a subresource request's life. */
export interface SubresourceHooks {
  /**
   * Before the request is sent: answer it with a `data:` URL, or let it go. Here and not in
   * onBeforeRequest because only here the request headers tell the fetch mode
   * (`Sec-Fetch-Mode`) and whether credentials go along; Firefox honours a redirect from this
   * event (measured: the origin saw no request).
   */
  beforeSend(r: OutgoingRequest): Promise<string | undefined>;
  /** When the response headers arrived: replace or copy the body, or leave it alone. */
  headers(r: IncomingResponse): ResponseAction;
}

/** Installs the engine's hooks on every HTTPS subresource request. */
export function interceptSubresources(hooks: SubresourceHooks): void {
  browser.webRequest.onBeforeSendHeaders.addListener(
    async (d) => {
      const redirectUrl = await hooks.beforeSend({ ...d, requestHeaders: pairs(d.requestHeaders) }).catch(() => undefined);
      return redirectUrl ? { redirectUrl } : {};
    },
    { urls: ['https://*/*'], types: SUBRESOURCES },
    ['blocking', 'requestHeaders'],
  );
  browser.webRequest.onHeadersReceived.addListener(
    (d) => {
      const action = hooks.headers({ ...d, responseHeaders: pairs(d.responseHeaders) });
      if (action && 'replaceBody' in action) replaceBody(d.requestId, action.replaceBody);
      else if (action) teeBody(d.requestId, action.tee);
      return {};
    },
    { urls: ['https://*/*'], types: SUBRESOURCES },
    ['blocking', 'responseHeaders'],
  );
}

function replaceBody(requestId: string, bytes: Uint8Array): void {
  const filter = browser.webRequest.filterResponseData(requestId);
  // Write as soon as the body starts; the origin's bytes are dropped unread.
  filter.onstart = () => {
    filter.write(bytes);
    filter.close();
  };
  filter.onerror = () => undefined;
}

function teeBody(requestId: string, tee: TeeRequest): void {
  const filter = browser.webRequest.filterResponseData(requestId);
  const chunks: Uint8Array[] = [];
  let size = 0;
  let overflow = false;
  filter.ondata = (e) => {
    filter.write(e.data);
    if (overflow) return;
    size += e.data.byteLength;
    if (size > tee.maxBytes || !tee.reserve(e.data.byteLength)) {
      overflow = true;
      chunks.length = 0;
    } else {
      chunks.push(new Uint8Array(e.data));
    }
  };
  filter.onstop = () => {
    filter.close();
    if (overflow) return tee.onBody(undefined);
    const body = new Uint8Array(size);
    let off = 0;
    for (const c of chunks) {
      body.set(c, off);
      off += c.byteLength;
    }
    tee.onBody(body);
  };
  filter.onerror = () => tee.onBody(undefined);
}

/** Calls `listener` with each document's response headers (for its CSP). */
export function onDocumentHeaders(listener: (d: { url: string; tabId: number; frameId: number; responseHeaders: readonly HeaderPair[] }) => void): void {
  browser.webRequest.onHeadersReceived.addListener(
    (d) => listener({ url: d.url, tabId: d.tabId, frameId: d.frameId, responseHeaders: pairs(d.responseHeaders) }),
    { urls: ['https://*/*'], types: ['main_frame', 'sub_frame'] },
    ['responseHeaders'],
  );
}
