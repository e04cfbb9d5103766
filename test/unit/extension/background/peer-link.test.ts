import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultSettings, type Settings } from '../../../../src/core/settings/index.ts';
import { createPeerLink } from '../../../../src/extension/background/peer-link.ts';
import { createPeerLink as createFirefoxPeerLink } from '../../../../src/extension/background/peer-link.firefox.ts';
import type { CacheContext } from '../../../../src/extension/cache/context.ts';
import { oneAtATime } from '../../../../src/extension/background/peer-link-types.ts';
import { OffscreenError } from '../../../../src/extension/messages.ts';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));
const sharing = (lanNodes: string[]): Settings => ({ ...defaultSettings(), sharingMode: 'lan', lanNodes });

/** Chromium's offscreen API as it behaves: creation takes time, and a second document is an error. */
function fakeChrome() {
  const state = { documents: 0, creating: false, applied: [] as string[][] };
  vi.stubGlobal('chrome', {
    runtime: {
      getContexts: async () => Array.from({ length: state.documents }, () => ({})),
      sendMessage: async (m: { type: string; settings?: Settings }) => {
        await tick(Math.random() * 5);
        if (m.type === 'bg-os-apply') state.applied.push([...(m.settings?.lanNodes ?? [])]);
        return { ok: true };
      },
    },
    offscreen: {
      createDocument: async () => {
        if (state.documents > 0 || state.creating) throw new Error('Only a single offscreen document may be created.');
        state.creating = true;
        await tick();
        state.creating = false;
        state.documents = 1;
      },
      closeDocument: async () => void (state.documents = 0),
    },
  });
  return state;
}

afterEach(() => vi.unstubAllGlobals());

describe('peer link (Chromium)', () => {
  it('a burst of applies creates one offscreen document and delivers every apply, the last one last', async () => {
    const state = fakeChrome();
    const link = createPeerLink({ log: () => {} });
    // A change of network and one of settings arrive together, then another setting.
    await Promise.all([link.apply(sharing(['/ip4/192.168.1.2/tcp/1/ws']), false), link.apply(sharing(['/ip4/192.168.1.2/tcp/1/ws']), false), link.apply(sharing(['/ip4/192.168.1.3/tcp/1/ws']), false)]);
    expect(state.documents).toBe(1);
    expect(state.applied).toEqual([['/ip4/192.168.1.2/tcp/1/ws'], ['/ip4/192.168.1.2/tcp/1/ws'], ['/ip4/192.168.1.3/tcp/1/ws']]);
  });
});

describe('peer link (Chromium): answers and errors of the offscreen document', () => {
  /** An offscreen document whose listener answers from the `listening`-th message on, with `reply`. */
  function offscreen(reply: (m: { type: string }) => unknown, listening = 0) {
    const sent: string[] = [];
    vi.stubGlobal('chrome', {
      runtime: {
        getContexts: async () => [{}],
        sendMessage: async (m: { type: string }) => {
          sent.push(m.type);
          // Before its listener is up, Chromium finds no receiving end.
          if (sent.length <= listening) throw new Error('Could not establish connection. Receiving end does not exist.');
          return reply(m);
        },
      },
      offscreen: { createDocument: async () => undefined, closeDocument: async () => undefined },
    });
    return sent;
  }
  const running = { state: 'running', lanNodes: 1, peers: 2 };

  it('asks again while the document is not listening yet, then takes its answer', async () => {
    const sent = offscreen((m) => ({ ok: true, value: m.type === 'bg-os-status' ? running : undefined }), 2);
    const link = createPeerLink({ log: () => {} });
    await link.apply(sharing(['/ip4/192.168.1.2/tcp/1/ws']), false);
    expect(await link.status()).toEqual(running);
    expect(sent).toEqual(['bg-os-apply', 'bg-os-apply', 'bg-os-apply', 'bg-os-status']);
  });

  it("throws the document's error as an error, once, instead of handing it back as an answer", async () => {
    const sent = offscreen((m) => (m.type === 'bg-os-fetch' ? { ok: false, error: 'QuotaFullError: the cache is full' } : { ok: true }));
    const link = createPeerLink({ log: () => {} });
    await link.apply(sharing(['/ip4/192.168.1.2/tcp/1/ws']), false);
    const failed = link.fetch('key', 'text/javascript', 1e6);
    await expect(failed).rejects.toThrow(OffscreenError);
    await expect(failed).rejects.toThrow('QuotaFullError: the cache is full');
    expect(sent.filter((t) => t === 'bg-os-fetch')).toHaveLength(1);
  });

  it('shows a status the document could not give as an error state with its reason', async () => {
    offscreen((m) => (m.type === 'bg-os-status' ? { ok: false, error: 'Error: the store is closed' } : { ok: true }));
    const link = createPeerLink({ log: () => {} });
    await link.apply(sharing(['/ip4/192.168.1.2/tcp/1/ws']), false);
    expect(await link.status()).toMatchObject({ state: 'error', error: expect.stringContaining('the store is closed') });
  });
});

describe('peer link (Firefox)', () => {
  it('one peer service, however the first calls overlap', async () => {
    // The cache opens slowly at start-up, while a status request and settings arrive.
    const cache = async () => (await tick(10), { store: {}, hashList: {} }) as unknown as CacheContext;
    const link = createFirefoxPeerLink({ log: () => {}, cache });
    // No LAN node yet: the service applying it says so, and no node starts.
    await Promise.all([link.apply(sharing([]), false), tick(1).then(() => link.status())]);
    expect((await link.status()).state).toBe('no-lan-node');
  });

  it('without LAN sharing, neither opens the cache nor loads the peer service (an event page woken for a page stays light)', async () => {
    let opened = 0;
    const link = createFirefoxPeerLink({ log: () => {}, cache: async () => (opened++, { store: {}, hashList: {} }) as unknown as CacheContext });
    await link.apply(defaultSettings(), false); // LAN sharing on, no LAN node named
    expect((await link.status()).state).toBe('no-lan-node');
    expect(await link.fetch('key', 'text/javascript', 1e6)).toBe('unavailable');
    expect(await link.lookup('https://cdn.example/a.js', 'text/javascript', 1e6)).toBe('unavailable');
    link.learned();
    expect(opened).toBe(0);
  });
});

describe('oneAtATime', () => {
  it('runs calls in order without overlap, and a failure does not block the next call', async () => {
    const log: string[] = [];
    const run = oneAtATime(async (name: string, ms: number) => {
      log.push(`start ${name}`);
      await tick(ms);
      log.push(`end ${name}`);
      if (name === 'b') throw new Error('b failed');
    });
    const results = await Promise.allSettled([run('a', 10), run('b', 1), run('c', 1)]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
