import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSettings, type Settings } from '../../../src/core/settings/index.ts';
import type { HashListIndex } from '../../../src/extension/cache/context.ts';
import { openCache } from '../../../src/extension/cache/open-cache.ts';
import { createOffscreenHandlers } from '../../../src/extension/offscreen/handlers.ts';
import type { PeerService } from '../../../src/extension/peers/peer-service.ts';
import type { Store } from '../../../src/store/index.ts';
import { multihashKey, bytesOf } from '../store/fixtures.ts';

// Chromium's offscreen document as the background drives it, on a real store (Dexie on
// fake-indexeddb) opened by the same openCache as the background's; the peer service is a
// stand-in that stores blocks the way it does (store.blobs.put).

const MiB = 1024 * 1024;
const NO_LIST: HashListIndex = { lookup: () => undefined, urlsFor: () => [], isListed: () => false, packagedFile: () => undefined };
const withBudget = (maxCacheMB: number): Settings => ({ ...defaultSettings(), sharingMode: 'lan', lanNodes: ['/ip4/192.168.1.2/tcp/1/ws'], maxCacheMB });

let opened: Store[] = [];
afterEach(() => {
  for (const s of opened) s.close();
  opened = [];
});

/** The identity and pins the background reads from storage (peer-local-state.ts). */
const LOCAL = { identity: 'A'.repeat(43), pins: {} };

function offscreenDocument(fail = 0) {
  const indexedDB = { indexedDB: new IDBFactory(), IDBKeyRange };
  const services: { store: Store; applied: number[] }[] = [];
  let failures = fail;
  const handlers = createOffscreenHandlers({
    openCache: async (settings) => {
      if (failures-- > 0) throw new Error('IndexedDB is unavailable');
      const ctx = await openCache({ settings, pausedSites: () => [], loadHashList: async () => NO_LIST, log: () => {}, indexedDB });
      opened.push(ctx.store);
      return ctx;
    },
    onPinned: () => undefined,
    onGroupSiteSafety: () => undefined,
    createPeerService: ({ store }) => {
      const service = { store, applied: [] as number[] };
      services.push(service);
      return {
        apply: async (s) => void service.applied.push(s.maxCacheMB),
        status: () => ({ state: 'running', lanNodes: 1, peers: 0 }),
        fetch: async () => 'not-found',
        lookup: async () => 'unknown',
        learned: () => undefined,
        siteSafetyChanged: () => undefined,
      } satisfies PeerService;
    },
    onStored: () => undefined,
    log: () => {},
  });
  /** A block of `kib` KiB from a peer, stored as the peer service stores it. */
  const storeBlock = async (seed: number, kib: number): Promise<void> => {
    const bytes = bytesOf(kib * 1024, seed);
    await services[0]!.store.blobs.put(await multihashKey(bytes), bytes, 'text/javascript');
  };
  const held = async (): Promise<{ blocks: number; bytes: number }> => {
    const list = await services[0]!.store.blobs.list();
    return { blocks: list.length, bytes: list.reduce((n, m) => n + m.size, 0) };
  };
  return { handlers, services, storeBlock, held };
}

describe("Chromium's offscreen document", () => {
  it('opens no store before the background sends settings, and answers as not started', async () => {
    const { handlers } = offscreenDocument();
    expect(await handlers['bg-os-status']({ type: 'bg-os-status' })).toMatchObject({ state: 'starting' });
    expect(await handlers['bg-os-fetch']({ type: 'bg-os-fetch', key: 'k', contentType: 'text/javascript', maxBytes: 1 })).toBe('unavailable');
    expect(await handlers['bg-os-lookup']({ type: 'bg-os-lookup', url: 'https://cdn.example/a.js', contentType: 'text/javascript', maxBytes: 1 })).toBe('unavailable');
    expect(opened).toHaveLength(0);
  });

  it("opens the store once, and what peers send it keeps to the settings' cache budget as it changes", async () => {
    const doc = offscreenDocument();
    // A burst at start: two applies and a status question overlap while the store opens.
    await Promise.all([
      doc.handlers['bg-os-apply']({ type: 'bg-os-apply', settings: withBudget(1), paused: false, local: LOCAL }),
      doc.handlers['bg-os-apply']({ type: 'bg-os-apply', settings: withBudget(1), paused: false, local: LOCAL }),
      doc.handlers['bg-os-status']({ type: 'bg-os-status' }),
    ]);
    expect({ stores: opened.length, services: doc.services.length }).toEqual({ stores: 1, services: 1 });
    for (let seed = 1; seed <= 3; seed++) await doc.storeBlock(seed, 400);
    // 1 MiB holds two blocks of 400 KiB: the oldest went.
    expect(await doc.held()).toEqual({ blocks: 2, bytes: 800 * 1024 });

    await doc.handlers['bg-os-apply']({ type: 'bg-os-apply', settings: withBudget(2), paused: false, local: LOCAL });
    for (let seed = 4; seed <= 7; seed++) await doc.storeBlock(seed, 400);
    const now = await doc.held();
    expect(now.blocks).toBe(5);
    expect(now.bytes).toBeLessThanOrEqual(2 * MiB);
    expect({ stores: opened.length, applied: doc.services[0]!.applied }).toEqual({ stores: 1, applied: [1, 1, 2] });
  });

  it('reports a store that failed to open as an error, and opens it with the next settings', async () => {
    const doc = offscreenDocument(1);
    await expect(doc.handlers['bg-os-apply']({ type: 'bg-os-apply', settings: withBudget(1), paused: false, local: LOCAL })).rejects.toThrow('IndexedDB is unavailable');
    await doc.handlers['bg-os-apply']({ type: 'bg-os-apply', settings: withBudget(1), paused: false, local: LOCAL });
    expect(await doc.handlers['bg-os-status']({ type: 'bg-os-status' })).toMatchObject({ state: 'running' });
    expect(opened).toHaveLength(1);
  });
});
