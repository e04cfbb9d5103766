import { describe, expect, it } from 'vitest';
import { isFromBackground } from '../../../../src/extension/platform/chromium/offscreen.ts';

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
