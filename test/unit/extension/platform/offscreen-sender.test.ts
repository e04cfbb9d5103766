import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultSettings } from '../../../../src/core/settings/index.ts';
import type { OffscreenHandlers } from '../../../../src/extension/messages.ts';
import { isFromBackground, serveBackgroundRequests } from '../../../../src/extension/platform/chromium/offscreen.ts';

const ID = 'abcdefghijklmnopabcdefghijklmnop';
const BACKGROUND = `chrome-extension://${ID}/background.js`;

describe("the offscreen document's senders", () => {
  it('are the background service worker only', () => {
    expect(isFromBackground({ id: ID, url: BACKGROUND }, ID, BACKGROUND)).toBe(true);
  });

  it('never a content script, which carries the extension id from a web page', () => {
    expect(isFromBackground({ id: ID, url: 'https://evil.test/', tab: { id: 3 } }, ID, BACKGROUND)).toBe(false);
    // Even one claiming the worker's URL: a tab gives it away.
    expect(isFromBackground({ id: ID, url: BACKGROUND, tab: { id: 3 } }, ID, BACKGROUND)).toBe(false);
  });

  it('nor another extension page or another extension', () => {
    expect(isFromBackground({ id: ID, url: `chrome-extension://${ID}/options.html` }, ID, BACKGROUND)).toBe(false);
    expect(isFromBackground({ id: 'other', url: BACKGROUND }, ID, BACKGROUND)).toBe(false);
  });
});

describe("the offscreen document's answers", () => {
  afterEach(() => vi.unstubAllGlobals());

  type Listener = (message: unknown, sender: { id?: string; url?: string; tab?: unknown }, sendResponse: (r: unknown) => void) => boolean;
  /** The document's listener as Chromium calls it; `deliver` resolves with the reply, or 'no answer'. */
  function serve(handlers: Partial<OffscreenHandlers>) {
    let listener: Listener | undefined;
    vi.stubGlobal('chrome', {
      runtime: { id: ID, getURL: (p: string) => `chrome-extension://${ID}/${p}`, onMessage: { addListener: (l: Listener) => void (listener = l) } },
    });
    const called: string[] = [];
    const all = Object.fromEntries(
      ['bg-os-apply', 'bg-os-status', 'bg-os-fetch', 'bg-os-lookup', 'bg-os-learned'].map((t) => [t, async (r: unknown) => (called.push(t), (handlers as Record<string, (r: unknown) => unknown>)[t]?.(r))]),
    ) as unknown as OffscreenHandlers;
    serveBackgroundRequests(all);
    const deliver = (message: unknown, sender: { id?: string; url?: string; tab?: unknown } = { id: ID, url: BACKGROUND }) =>
      new Promise<unknown>((resolve) => {
        if (!listener!(message, sender, resolve)) resolve('no answer');
      });
    return { deliver, called };
  }

  it("answers the background's requests, and a handler's failure as an error", async () => {
    const { deliver } = serve({
      'bg-os-fetch': async () => 'stored',
      'bg-os-lookup': async () => {
        throw new Error('the store is closed');
      },
    });
    expect(await deliver({ type: 'bg-os-fetch', key: 'k', contentType: 'text/javascript', maxBytes: 1000 })).toEqual({ ok: true, value: 'stored' });
    expect(await deliver({ type: 'bg-os-lookup', url: 'https://cdn.example/a.js', contentType: 'text/javascript', maxBytes: 1000 })).toEqual({ ok: false, error: 'Error: the store is closed' });
  });

  it('never answers a content script, nor a malformed or unknown request', async () => {
    const { deliver, called } = serve({});
    const apply = { type: 'bg-os-apply', settings: defaultSettings(), paused: false, local: { identity: 'A'.repeat(43), pins: {} } };
    expect(await deliver(apply, { id: ID, url: 'https://evil.test/', tab: { id: 3 } })).toBe('no answer');
    expect(await deliver({ ...apply, settings: { ...defaultSettings(), maxCacheMB: 'all' } })).toBe('no answer');
    expect(await deliver({ ...apply, settings: undefined })).toBe('no answer');
    // Without this browser's identity the document would start under a throwaway peer id.
    expect(await deliver({ ...apply, local: undefined })).toBe('no answer');
    expect(await deliver({ ...apply, local: { identity: 'not a key', pins: {} } })).toBe('no answer');
    expect(await deliver({ type: 'bg-os-fetch', key: 'k', contentType: 'text/javascript', maxBytes: -1 })).toBe('no answer');
    expect(await deliver({ type: 'bg-os-lookup', url: 7, contentType: 'text/javascript', maxBytes: 1 })).toBe('no answer');
    expect(await deliver({ type: 'toString' })).toBe('no answer');
    expect(await deliver(null)).toBe('no answer');
    expect(called).toEqual([]);
    expect(await deliver(apply)).toEqual({ ok: true });
    expect(called).toEqual(['bg-os-apply']);
  });
});
