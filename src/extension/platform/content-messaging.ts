/**
 * The content script's way to the background, with the browser's own `runtime` and not
 * webextension-polyfill (issue 11, size). The content script runs in every frame of every page
 * and sends one message; the polyfill and the bundler code around it were ~41 of its 43 KB.
 *
 * Both browsers' native `sendMessage` returns a promise in MV3: Firefox's `browser.runtime`
 * always did, Chromium's `chrome.runtime` does when no callback is passed. The background still
 * receives it through the polyfill's `onMessage` (messaging.ts), which sees the same message
 * and sender whichever way it was sent; only its answer differs (an error comes back as a
 * resolved `{ __mozWebExtensionPolyfillReject__ }` object, not a rejection), which is why this
 * send returns nothing: the content script needs no answer.
 */
import type { Request } from '../messages.ts';

/** The part of `runtime` this file uses, the same in both browsers. */
export interface NativeRuntime {
  sendMessage(message: unknown): Promise<unknown>;
}

/** The globals a content script may have; any of them may be missing or not what it seems. */
export interface ExtensionGlobals {
  readonly browser?: { readonly runtime?: unknown };
  readonly chrome?: { readonly runtime?: unknown };
}

/**
 * Firefox's `browser` (also present in newer Chromium), else Chromium's `chrome`. Each is checked
 * for a real `sendMessage`: in a page's frames, `<form id="browser"><input name="runtime">` could
 * make `browser.runtime` an element (named access on window), and must not win over `chrome`.
 */
export function nativeRuntime(globals: ExtensionGlobals = globalThis as ExtensionGlobals): NativeRuntime {
  for (const runtime of [globals.browser?.runtime, globals.chrome?.runtime]) {
    if (typeof (runtime as Partial<NativeRuntime> | undefined)?.sendMessage === 'function') return runtime as NativeRuntime;
  }
  throw new Error('no extension runtime in this context');
}

/** Sends a content script's request to the background; resolves once it was handled. */
export async function sendFromContentScript(request: Extract<Request, { type: `cs-${string}` }>): Promise<void> {
  await nativeRuntime().sendMessage(request);
}
