/**
 * Issue 10, item 1: a browser keeps one identity across starts, and trusts each LAN node address
 * with one peer id only: the id in its `/p2p/` component, or the first one it answered with.
 * Real LAN nodes and the product's peer service, on loopback.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyMultihashKey } from '../../../src/core/integrity/index.ts';
import { mergeSettings } from '../../../src/core/settings/index.ts';
import { encodeBase64 } from '../../../src/core/integrity/base64.ts';
import { loadNodeHashList } from '../../../src/node/replication.ts';
import { memoryPeerLocalState } from '../../../src/extension/background/peer-local-state.ts';
import { createPeerService, type PeerService } from '../../../src/extension/peers/peer-service.ts';
import type { NodeConfig } from '../../../src/node/config.ts';
import { startLanNode, type LanNode } from '../../../src/node/lan-node.ts';
import { openStore, type Store } from '../../../src/store/index.ts';

const tempDir = (use: string): string => mkdtempSync(join(tmpdir(), `peercache-${use}-`));
const loopbackNodeConfig = (over: Partial<NodeConfig> = {}): NodeConfig => ({ host: '127.0.0.1', tcpPort: 0, wsPort: 0, httpPort: 0, dataDir: tempDir('pin-node'), cacheMB: 16, groupKey: '', ...over });
const wsAddressOf = (node: LanNode): string => node.addresses().find((a) => a.includes('/ws/')) as string;
const openMemoryStore = () => openStore({ indexedDB: new IDBFactory(), IDBKeyRange, verify: (b, k) => verifyMultihashKey(b, k), now: Date.now, maxCacheBytes: () => 1e8, onCorrupt: () => {} });

/** Polls `check` every 50 ms for at most `ms`. */
async function within(ms: number, check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const hashList = await loadNodeHashList();
const settingsFor = (lanNodes: string[]) => mergeSettings({ user: { sharingMode: 'lan', lanNodes } }).values;
const OFF = mergeSettings({ user: { sharingMode: 'off' } }).values;
const seed = (fill: number) => encodeBase64(new Uint8Array(32).fill(fill), 'base64url', false);

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  cleanup = [];
});

async function lanNode(over: Parameters<typeof loopbackNodeConfig>[0] = {}): Promise<LanNode> {
  const node = await startLanNode(loopbackNodeConfig(over), { log: () => {}, version: 'test' });
  cleanup.push(() => node.stop());
  return node;
}

async function browser(): Promise<{ service: PeerService; store: Store; pinned: [string, string][]; lines: string[] }> {
  const store = await openMemoryStore();
  const pinned: [string, string][] = [];
  const lines: string[] = [];
  const service = createPeerService({ store, hashList, log: (l) => lines.push(l), onPinned: (a, id) => pinned.push([a, id]) });
  cleanup.push(async () => {
    await service.apply(OFF, false);
    store.close();
  });
  return { service, store, pinned, lines };
}

/** The address without its `/p2p/<id>`, as a user types it. */
const bare = (address: string) => address.replace(/\/p2p\/[^/]+$/, '');
const peerIdOf = (node: LanNode) => node.libp2p.peerId.toString();

describe('a browser keeps its peer id', () => {
  it('is the same peer id after sharing stops and starts again, and in another service with the same stored key', async () => {
    const node = await lanNode();
    const address = wsAddressOf(node);
    const { service } = await browser();
    const local = { identity: seed(7), pins: {} };
    await service.apply(settingsFor([address]), false, local);
    const first = service.status().peerId;
    expect(first).toMatch(/^12D3KooW/);
    await service.apply(OFF, false, local);
    await service.apply(settingsFor([address]), false, local);
    expect(service.status().peerId).toBe(first);
    // The background restarted (or the offscreen document): the key from storage gives the same id.
    const other = await browser();
    await other.service.apply(settingsFor([address]), false, local);
    expect(other.service.status().peerId).toBe(first);
    const stranger = await browser();
    await stranger.service.apply(settingsFor([address]), false, { identity: seed(8), pins: {} });
    expect(stranger.service.status().peerId).not.toBe(first);
  });

  it('a corrupt stored key is logged and replaced; the new one is kept', async () => {
    const stored = { identity: 'garbage' as unknown, pins: {} as unknown };
    const lines: string[] = [];
    const { createPeerLocalState } = await import('../../../src/extension/background/peer-local-state.ts');
    const local = createPeerLocalState({
      identity: { read: async () => stored.identity, write: async (v) => void (stored.identity = v) },
      pins: { read: async () => stored.pins, write: async (v) => void (stored.pins = v) },
      log: (l) => lines.push(l),
    });
    const { identity } = await local.read();
    expect(lines.join('\n')).toMatch(/stored LAN identity is not a valid key; a new one is made/);
    expect(stored.identity).toBe(identity);
    // And it starts a node: LAN sharing is not broken by the bad value.
    const node = await lanNode();
    const { service } = await browser();
    await service.apply(settingsFor([wsAddressOf(node)]), false, await local.read());
    await within(5_000, () => service.status().lanNodes === 1, 'connected to the LAN node');
  });
});

describe('a LAN node address answers with one peer id only', () => {
  it('refuses a node at an address whose /p2p/ names another node', async () => {
    const real = await lanNode();
    const impostor = await lanNode();
    const address = `${bare(wsAddressOf(impostor))}/p2p/${peerIdOf(real)}`;
    const { service, lines } = await browser();
    await service.apply(settingsFor([address]), false, { identity: seed(1), pins: {} });
    await within(5_000, () => (service.status().refusedLanNodes?.length ?? 0) === 1, 'the refusal');
    expect(service.status().refusedLanNodes).toEqual([{ address, expected: peerIdOf(real), pinnedBy: 'address' }]);
    expect(service.status().lanNodes).toBe(0);
    expect(lines.join('\n')).toContain(`answered with another peer id than ${peerIdOf(real)}`);
  });

  it('pins an address without /p2p/ on first use, refuses another node there later, and takes it once the pins are forgotten', async () => {
    const first = await lanNode();
    const address = bare(wsAddressOf(first));
    const port = Number(/\/tcp\/(\d+)\/ws/.exec(address)![1]);
    const local = memoryPeerLocalState();
    const { service, pinned } = await browser();
    await service.apply(settingsFor([address]), false, await local.read());
    await within(5_000, () => service.status().lanNodes === 1, 'connected to the first node');
    expect(pinned).toEqual([[address, peerIdOf(first)]]);
    for (const [a, id] of pinned) await local.pin(a, id);

    // The machine at that address now runs another node (another identity: a member posing as it).
    await first.stop();
    const second = await lanNode({ wsPort: port, dataDir: tempDir('lan-node-other') });
    await service.apply(OFF, false, await local.read());
    await service.apply(settingsFor([address]), false, await local.read());
    await within(5_000, () => (service.status().refusedLanNodes?.length ?? 0) === 1, 'the refusal');
    expect(service.status().refusedLanNodes).toEqual([{ address, expected: peerIdOf(first), pinnedBy: 'first-use' }]);
    expect(service.status().lanNodes).toBe(0);
    expect(pinned).toHaveLength(1);

    // The user forgets the pins (options page): the next dial pins the node that answers now.
    await local.forgetPins();
    await service.apply(settingsFor([address]), false, await local.read());
    await within(5_000, () => service.status().lanNodes === 1, 'connected to the new node');
    expect(service.status().refusedLanNodes).toBeUndefined();
    expect(pinned.at(-1)).toEqual([address, peerIdOf(second)]);
  });
});
