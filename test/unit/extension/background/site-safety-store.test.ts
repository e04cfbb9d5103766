import { afterEach, describe, expect, it, vi } from 'vitest';
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

describe('the two halves of a page view in either order', () => {
  afterEach(() => void vi.useRealTimers());
  const STRICT = [{ name: 'content-security-policy', value: "script-src 'self'" }];

  it('counts a report that arrives before its document\'s headers (the browser does not order them)', async () => {
    const bg = background();
    bg.pageReport(7, 0, 'https://site-a.test/#top', []);
    await tick();
    expect(bg.isSafe('site-a.test', 'script')).toBe(false);
    bg.documentHeaders(7, 0, 'https://site-a.test/', HEADERS);
    await tick();
    expect(bg.isSafe('site-a.test', 'script')).toBe(true);
  });

  it('pairs a report with its own document, not the frame\'s previous page of the same site', async () => {
    const bg = background();
    bg.documentHeaders(7, 0, 'https://site-a.test/', HEADERS);
    bg.pageReport(7, 0, 'https://site-a.test/', []);
    await tick();
    expect(bg.isSafe('site-a.test', 'script')).toBe(true);
    // The next page of the frame blocks data:, and its report comes first.
    bg.pageReport(7, 0, 'https://site-a.test/strict', []);
    await tick();
    bg.documentHeaders(7, 0, 'https://site-a.test/strict', STRICT);
    await tick();
    expect(bg.isSafe('site-a.test', 'script')).toBe(false);
  });

  it('past the wait, a report without its headers falls back to the frame\'s page of that site (a URL changed by pushState), or is skipped', async () => {
    vi.useFakeTimers();
    const bg = background();
    bg.documentHeaders(7, 0, 'https://site-a.test/', HEADERS);
    bg.pageReport(7, 0, 'https://site-a.test/app/route', []);
    bg.pageReport(8, 0, 'https://site-b.test/', []);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(bg.isSafe('site-a.test', 'script')).toBe(false);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(bg.isSafe('site-a.test', 'script')).toBe(true);
    expect(bg.isSafe('site-b.test', 'script')).toBe(false);
  });
});

describe("the group's verdicts (issue 12: a site's CSP not yet seen by this browser)", () => {
  function withGroup(min: { n: number }, groupSaved = { v: undefined as unknown }) {
    const groupState = { read: async () => groupSaved.v, write: async (v: unknown) => void (groupSaved.v = structuredClone(v)) };
    let snapshot: unknown;
    const state = { read: async () => snapshot, write: async (v: unknown) => void (snapshot = v) };
    return createSiteSafetyStore({ state, groupState, minMembers: () => min.n, now: () => 1_800_000_000_000, log: () => {} });
  }
  const VOUCHED = { host: 'shop.test', allowed: { script: 3, image: 3, style: 1 } };

  it('takes what minLanPeers members vouch for, keeps it across a restart, and tells the gate', async () => {
    const min = { n: 3 };
    const saved = { v: undefined as unknown };
    const s = withGroup(min, saved);
    await tick(); // its own state loaded (that tells the gate once, as before)
    let changes = 0;
    s.onChange(() => changes++);
    s.takeGroup([VOUCHED, { host: 'Not A Host', allowed: { script: 9 } } as never], true);
    await tick();
    expect(s.isSafe('shop.test', 'script')).toBe(true);
    expect(s.isSafe('shop.test', 'style')).toBe(false);
    expect(s.gateHosts(['script', 'image']).safe).toEqual(['shop.test']);
    expect(changes).toBe(1);
    // The background restarts (Chromium's worker sleeps): still known.
    const again = withGroup(min, saved);
    await tick();
    expect(again.isSafe('shop.test', 'image')).toBe(true);
    // A stricter threshold (policy changed minLanPeers): not enough members any more.
    min.n = 4;
    expect(again.isSafe('shop.test', 'script')).toBe(false);
  });

  it("this browser's own document decides at once, and a host the node no longer vouches for goes", async () => {
    const s = withGroup({ n: 2 });
    s.takeGroup([VOUCHED, { host: 'news.test', allowed: { script: 2 } }], true);
    await tick();
    s.documentHeaders(1, 0, 'https://shop.test/', [{ name: 'Content-Security-Policy', value: "script-src 'self'" }]);
    s.pageReport(1, 0, 'https://shop.test/', []);
    await tick();
    expect(s.isSafe('shop.test', 'script')).toBe(false);
    s.takeGroup([{ host: 'news.test', allowed: {} }], false);
    await tick();
    expect(s.isSafe('news.test', 'script')).toBe(false);
    // Its own facts, for the LAN nodes: the observation, not the group's verdicts.
    expect(s.ownFacts().map((f) => [f.host, f.blocked.script !== undefined])).toEqual([['shop.test', true]]);
  });
});
