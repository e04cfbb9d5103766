import { describe, expect, it } from 'vitest';
import { createSiteSafetyStore, type SavedFrame } from '../../../../src/extension/background/site-safety-store.ts';

/** Session storage as the background sees it: survives a restart of the background, not the browser. */
function session() {
  let saved: SavedFrame[] | undefined;
  return { read: async () => saved, write: async (v: SavedFrame[]) => void (saved = structuredClone(v)) };
}

function background(frameState?: ReturnType<typeof session>) {
  let snapshot: unknown;
  const state = { read: async () => snapshot, write: async (v: unknown) => void (snapshot = v) };
  return createSiteSafetyStore({ state, ...(frameState ? { frameState } : {}), now: () => 1_800_000_000_000, log: () => {} });
}

const tick = (ms = 80) => new Promise((r) => setTimeout(r, ms));
const HEADERS = [{ name: 'Content-Security-Policy', value: "script-src 'self' data:" }, { name: 'Set-Cookie', value: 'secret=1' }];

describe('a page view whose halves straddle a restart of the background', () => {
  it('still counts when the document waiting for its report was saved to session storage', async () => {
    const saved = session();
    const before = background(saved);
    before.documentHeaders(7, 0, 'https://site-a.test/', HEADERS);
    await tick();
    // The event page restarts: a new background, empty memory, the same session storage.
    const after = background(saved);
    after.pageReport(7, 0, 'https://site-a.test/', []);
    await tick();
    expect(after.isSafe('site-a.test', 'script')).toBe(true);
    expect(after.frameAllows(7, 0, 'script')).toBe(true);
  });

  it('is skipped, as before, when nothing was saved', async () => {
    const before = background();
    before.documentHeaders(7, 0, 'https://site-a.test/', HEADERS);
    const after = background();
    after.pageReport(7, 0, 'https://site-a.test/', []);
    await tick();
    expect(after.isSafe('site-a.test', 'script')).toBe(false);
  });

  it('keeps only the CSP headers of a document, never cookies', async () => {
    const saved = session();
    background(saved).documentHeaders(7, 0, 'https://site-a.test/', HEADERS);
    await tick();
    expect(JSON.stringify(await saved.read())).not.toContain('secret');
  });

  it('prefers a document seen after the restart to the saved one of the same frame', async () => {
    const saved = session();
    background(saved).documentHeaders(7, 0, 'https://site-a.test/', HEADERS);
    await tick();
    const after = background(saved);
    after.documentHeaders(7, 0, 'https://site-a.test/next', [{ name: 'content-security-policy', value: "script-src 'self'" }]);
    await tick();
    expect(after.frameAllows(7, 0, 'script')).toBe(false);
  });
});
