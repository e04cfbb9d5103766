/**
 * Chromium's offscreen document: the only place a Chromium MV3 extension has
 * `RTCPeerConnection` (not in the service worker), so the libp2p node lives there. It shares
 * the extension's IndexedDB but has only `chrome.runtime` of the extension APIs.
 */
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

/** Sends a request to the offscreen document and returns its answer. */
export function sendToOffscreen<T>(message: { type: string }): Promise<T> {
  return chrome.runtime.sendMessage(message) as Promise<T>;
}

/**
 * Whether a message comes from the background service worker. Content scripts carry the
 * extension's id too (and run in the page's renderer), and the options page and popup need no
 * say in the peer service: only the worker's own URL, with no tab, is the background.
 */
export function isFromBackground(sender: { id?: string; url?: string; tab?: unknown }, extensionId: string, backgroundUrl: string): boolean {
  return sender.id === extensionId && sender.tab === undefined && sender.url === backgroundUrl;
}

/** In the offscreen document: answers the background's `bg-os-*` requests, and nobody else's. */
export function serveBackgroundRequests(handle: (message: { type: string } & Record<string, unknown>) => Promise<unknown> | undefined): void {
  const backgroundUrl = chrome.runtime.getURL('background.js');
  chrome.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => {
    if (!isFromBackground(sender, chrome.runtime.id, backgroundUrl) || typeof (message as { type?: unknown })?.type !== 'string') return false;
    const answer = handle(message as { type: string } & Record<string, unknown>);
    if (!answer) return false;
    void answer.then(sendResponse, (e: unknown) => sendResponse({ error: String(e) }));
    return true; // answer asynchronously
  });
}

/** In the offscreen document: tells the background something happened (fire and forget). */
export function notifyBackground(type: 'os-bg-blocks-stored'): void {
  void chrome.runtime.sendMessage({ type }).catch(() => undefined);
}
