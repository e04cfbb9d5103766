import { browser, type Runtime } from './browser.ts';
import type { MessageHandlers, MessageSender, Request, ResponseOf } from '../messages.ts';

/** Sends a typed request from a page (options, popup) to the background. */
export async function sendToBackground<R extends Request>(request: R): Promise<ResponseOf<R>> {
  return (await browser.runtime.sendMessage(request)) as ResponseOf<R>;
}

/**
 * Installs the background's message handlers. Must be called synchronously at the top level
 * of the background script: an MV3 service worker woken by a message only delivers it to
 * listeners registered during that first run of the script.
 */
export function serveMessages(handlers: MessageHandlers, isKnown: (m: unknown) => m is Request): void {
  browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
    if (sender.id !== browser.runtime.id || !isKnown(message)) return undefined;
    const extensionPage = !!sender.url?.startsWith(browser.runtime.getURL('')) && !sender.tab?.url?.startsWith('http');
    // ui-bg-* and os-bg-* only from our pages, cs-bg-* only from content scripts (messages.ts).
    if (message.type.startsWith('cs-') === extensionPage) return undefined;
    const handler = handlers[message.type] as (m: Request, s: MessageSender) => Promise<unknown>;
    return handler(message, { url: sender.url, tabId: sender.tab?.id, frameId: sender.frameId, extensionPage });
  });
}
