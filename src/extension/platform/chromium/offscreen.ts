/**
 * Chromium's offscreen document: the only place a Chromium MV3 extension has
 * `RTCPeerConnection` (not in the service worker), so the libp2p node lives there. It shares
 * the extension's IndexedDB but has only `chrome.runtime` of the extension APIs.
 */
import {
  isOffscreenReply,
  isOffscreenRequest,
  OffscreenError,
  type OffscreenHandlers,
  type OffscreenReply,
  type OffscreenRequest,
  type OffscreenResponseOf,
  type Request,
} from '../../messages.ts';

const URL_PATH = 'offscreen.html';

/** Creates the offscreen document unless it exists. */
export async function ensureOffscreenDocument(): Promise<void> {
  const contexts = await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT' as chrome.runtime.ContextType] });
  if (contexts.length > 0) return;
  await chrome.offscreen.createDocument({
    url: URL_PATH,
    reasons: ['WEB_RTC' as chrome.offscreen.Reason],
    justification: 'Connections to PeerCache peers on the local network (WebRTC) to share cached files.',
  });
}

/** Closes it (sharing off: no libp2p code runs at all). */
export async function closeOffscreenDocument(): Promise<void> {
  const contexts = await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT' as chrome.runtime.ContextType] });
  if (contexts.length > 0) await chrome.offscreen.closeDocument();
}

/**
 * Sends a request to the offscreen document. Resolves with its answer (wrapped: some answers are
 * `undefined`), or undefined when no listener answered (the document's listener can be late after
 * creation: the caller retries); rejects with an {@link OffscreenError} when the document's handler
 * failed.
 */
export async function sendToOffscreen<R extends OffscreenRequest>(request: R): Promise<{ value: OffscreenResponseOf<R> } | undefined> {
  const reply: unknown = await chrome.runtime.sendMessage(request);
  if (!isOffscreenReply(reply)) return undefined;
  if (!reply.ok) throw new OffscreenError(reply.error);
  return { value: reply.value as OffscreenResponseOf<R> };
}

/**
 * Whether a message comes from the background service worker. Content scripts carry the
 * extension's id too (and run in the page's renderer), and the options page and popup need no
 * say in the peer service: only the worker's own URL, with no tab, is the background.
 */
export function isFromBackground(sender: { id?: string; url?: string; tab?: unknown }, extensionId: string, backgroundUrl: string): boolean {
  return sender.id === extensionId && sender.tab === undefined && sender.url === backgroundUrl;
}

/**
 * In the offscreen document: answers the background's well-formed `bg-os-*` requests, and
 * nobody else's. A handler's failure goes back as an error reply (messages.ts, OffscreenReply).
 */
export function serveBackgroundRequests(handlers: OffscreenHandlers): void {
  const backgroundUrl = chrome.runtime.getURL('background.js');
  chrome.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => {
    if (!isFromBackground(sender, chrome.runtime.id, backgroundUrl) || !isOffscreenRequest(message)) return false;
    const handle = handlers[message.type] as (r: OffscreenRequest) => Promise<unknown>;
    const reply = (r: OffscreenReply<unknown>): void => sendResponse(r);
    void handle(message).then(
      (value) => reply({ ok: true, value }),
      (e: unknown) => reply({ ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }),
    );
    return true; // answer asynchronously
  });
}

/** In the offscreen document: tells the background something happened (fire and forget). */
export function notifyBackground(request: Extract<Request, { type: `os-bg-${string}` }>): void {
  void chrome.runtime.sendMessage(request).catch(() => undefined);
}
