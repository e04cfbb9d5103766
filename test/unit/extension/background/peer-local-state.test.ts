import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultSettings, type Settings } from '../../../../src/core/settings/index.ts';
import { createPeerLink } from '../../../../src/extension/background/peer-link.ts';
import { createPeerLocalState, isIdentitySeed } from '../../../../src/extension/background/peer-local-state.ts';

/** Two storage slots as `jsonState('local', …)` gives them, counting writes. */
function storage(identity?: unknown, pins?: unknown) {
  const saved = { identity, pins, writes: 0 };
  return {
    saved,
    state: createPeerLocalState({
      identity: { read: async () => saved.identity, write: async (v) => void ((saved.identity = v), saved.writes++) },
      pins: { read: async () => saved.pins, write: async (v) => void ((saved.pins = v), saved.writes++) },
      log: () => {},
    }),
  };
}

afterEach(() => vi.unstubAllGlobals());

describe('LAN identity and pins in extension storage', () => {
  it('makes one identity, once, even when two applies ask at the same moment, and keeps it', async () => {
    const { saved, state } = storage();
    const [a, b] = await Promise.all([state.read(), state.read()]);
    expect(isIdentitySeed(a.identity)).toBe(true);
    expect(b.identity).toBe(a.identity);
    expect(saved.identity).toBe(a.identity);
    expect(saved.writes).toBe(1);
    // The next background start reads it back.
    expect((await storage(saved.identity).state.read()).identity).toBe(a.identity);
  });

  it('keeps two pins learned at once, ignores malformed stored pins, and forgets them all on request', async () => {
    const { saved, state } = storage(undefined, { '/ip4/10.0.0.1/tcp/4002/ws': 42, '/ip4/10.0.0.9/tcp/4002/ws': '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo' });
    expect((await state.read()).pins).toEqual({ '/ip4/10.0.0.9/tcp/4002/ws': '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo' });
    await Promise.all([state.pin('/ip4/10.0.0.2/tcp/4002/ws', '12D3KooWA'.padEnd(52, 'a')), state.pin('/ip4/10.0.0.3/tcp/4002/ws', '12D3KooWB'.padEnd(52, 'b'))]);
    expect(Object.keys(saved.pins as object).sort()).toEqual(['/ip4/10.0.0.2/tcp/4002/ws', '/ip4/10.0.0.3/tcp/4002/ws', '/ip4/10.0.0.9/tcp/4002/ws']);
    await state.forgetPins();
    expect((await state.read()).pins).toEqual({});
    expect(saved.pins).toEqual({});
  });
});

describe('peer link (Chromium): the offscreen document gets the identity and pins', () => {
  it('sends the same identity with every apply, and applies again without pins once they are forgotten', async () => {
    const applied: { identity: string; pins: Record<string, string> }[] = [];
    vi.stubGlobal('chrome', {
      runtime: {
        getContexts: async () => [{}],
        sendMessage: async (m: { type: string; local?: { identity: string; pins: Record<string, string> } }) => {
          if (m.type === 'bg-os-apply') applied.push(m.local!);
          return { ok: true };
        },
      },
      offscreen: { createDocument: async () => undefined, closeDocument: async () => undefined },
    });
    const { state } = storage(undefined, { '/ip4/10.0.0.9/tcp/4002/ws': '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo' });
    const link = createPeerLink({ log: () => {}, local: state });
    const settings: Settings = { ...defaultSettings(), sharingMode: 'lan', lanNodes: ['/ip4/10.0.0.9/tcp/4002/ws'] };
    await link.apply(settings, false);
    await link.apply(settings, false);
    await link.forgetLanNodeIds();
    expect(applied).toHaveLength(3);
    expect(new Set(applied.map((l) => l.identity)).size).toBe(1);
    expect(applied.map((l) => Object.keys(l.pins).length)).toEqual([1, 1, 0]);
  });
});

describe('the offscreen document\'s check of an identity', () => {
  it('accepts exactly what storage accepts', async () => {
    const { isOffscreenRequest } = await import('../../../../src/extension/messages.ts');
    const { encodeBase64 } = await import('../../../../src/core/integrity/base64.ts');
    const apply = (identity: string) => isOffscreenRequest({ type: 'bg-os-apply', settings: defaultSettings(), paused: false, local: { identity, pins: {} } });
    for (let i = 0; i < 200; i++) {
      const seed = encodeBase64(crypto.getRandomValues(new Uint8Array(32)), 'base64url', false);
      expect(apply(seed)).toBe(true);
      // The same string one character off: non-canonical, too short, too long, or not base64url.
      for (const bad of [seed.slice(0, -1) + 'B', seed.slice(1), seed + 'A', seed.replace(/.$/, '='), seed.slice(0, -2) + '+A']) {
        expect(apply(bad)).toBe(isIdentitySeed(bad));
      }
    }
  });
});
