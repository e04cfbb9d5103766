/**
 * The LAN-only gater refuses a public address before the transport is asked to dial, so no
 * packet leaves. Proven twice: libp2p's dial queue filters every address through
 * `denyDialMultiaddr` in `calculateMultiaddrs`, before `transportManager.dial`
 * (node_modules/libp2p/dist/src/connection-manager/dial-queue.js), and here `net.connect`,
 * which @libp2p/tcp dials with, is watched and refuses by itself anything but loopback.
 */
import type { Libp2p } from '@libp2p/interface';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BLOCK_PROTOCOL, fetchBlock } from '../../../../src/p2p/block/index.ts';
import { addressOf, keyOf, startNode } from './nodes.ts';

let a: Libp2p;
let b: Libp2p;
const dialled: string[] = [];

beforeAll(async () => {
  [a, b] = await Promise.all([startNode(), startNode()]);
  const connect = net.connect.bind(net) as (...args: unknown[]) => net.Socket;
  vi.spyOn(net, 'connect').mockImplementation(((...args: unknown[]) => {
    const options = args[0] as { host?: string; port?: number };
    dialled.push(`${options.host}:${options.port}`);
    // Belt and braces: should the gater ever let a public address through, fail here rather
    // than send a SYN anywhere.
    if (options.host !== '127.0.0.1') throw new Error(`test refused to connect to ${options.host}`);
    return connect(...args);
  }) as typeof net.connect);
});

afterAll(async () => {
  vi.restoreAllMocks();
  await Promise.all([a?.stop(), b?.stop()]);
});

describe('dialling through the LAN-only gater', () => {
  it('connects to loopback, and the watch on net.connect sees it', async () => {
    await a.dial(addressOf(b));
    const port = addressOf(b).getComponents().find((c) => c.name === 'tcp')?.value;
    expect(dialled).toContain(`127.0.0.1:${port}`);
  });

  it('refuses /ip4/8.8.8.8 in the dial queue: net.connect is never called', async () => {
    dialled.length = 0;
    // A peer we have no connection to (for a connected peer libp2p would reuse the connection).
    const stranger = peerIdFromPrivateKey(await generateKeyPair('Ed25519'));
    const target = multiaddr(`/ip4/8.8.8.8/tcp/4001/p2p/${stranger.toString()}`);
    const key = await keyOf(Uint8Array.of(1));
    const attempts = [
      () => a.dial(target),
      () => a.dialProtocol(multiaddr('/ip4/8.8.8.8/tcp/4001'), BLOCK_PROTOCOL),
      () => fetchBlock(a, multiaddr('/ip4/8.8.8.8/tcp/4001'), key, { maxBytes: 1 }),
    ];
    for (const attempt of attempts) {
      const error = await attempt().then(() => undefined, (e: Error) => e);
      expect(error?.name).toBe('DialDeniedError');
      expect(error?.message).toMatch(/gater denied all addresses/);
    }
    expect(dialled).toEqual([]);
  });
});
