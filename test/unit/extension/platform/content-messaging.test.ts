import { describe, expect, it } from 'vitest';
import { nativeRuntime, type NativeRuntime } from '../../../../src/extension/platform/content-messaging.ts';

const runtime = (name: string): NativeRuntime & { name: string } => ({ name, sendMessage: async () => undefined });

describe("the content script reaches the background with the browser's own runtime", () => {
  it("uses Firefox's browser.runtime, and Chromium's chrome.runtime where there is no browser", () => {
    const firefox = runtime('browser');
    expect(nativeRuntime({ browser: { runtime: firefox }, chrome: { runtime: runtime('chrome') } })).toBe(firefox);
    const chromium = runtime('chrome');
    expect(nativeRuntime({ chrome: { runtime: chromium } })).toBe(chromium);
  });

  it('is not misled by a page whose elements clobber `browser` (named access on window)', () => {
    // <form id="browser"><input name="runtime" id="x"></form>: browser.runtime is an element.
    const clobbered = { browser: { runtime: { id: 'x', name: 'runtime' } }, chrome: { runtime: runtime('chrome') } };
    expect(nativeRuntime(clobbered)).toBe(clobbered.chrome.runtime);
  });

  it('fails plainly where no extension runtime exists', () => {
    expect(() => nativeRuntime({})).toThrow(/no extension runtime/);
  });
});
