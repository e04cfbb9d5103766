import { noise } from '@chainsafe/libp2p-noise';
import type { Libp2p } from '@libp2p/interface';
import { ping, type Ping } from '@libp2p/ping';
import { tcp } from '@libp2p/tcp';
import { yamux } from '@libp2p/yamux';
import { createLibp2p } from 'libp2p';
import { afterEach, describe, expect, it } from 'vitest';
import { dropUnresponsivePeers } from '../../../src/p2p/discovery.ts';
import { createLanGater } from '../../../src/p2p/lan-gate.ts';

const nodes: Libp2p[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
});

async function start(): Promise<Libp2p<{ ping: Ping }>> {
  const n = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: createLanGater(),
    services: { ping: ping() },
  });
  nodes.push(n);
  return n;
}

describe('letting go of peers that went silent', () => {
  it('hangs up on a peer that no longer answers, keeps those that do and those it is told to keep', async () => {
    const [me, alive, silent, lanNode] = await Promise.all([start(), start(), start(), start()]);
    for (const p of [alive, silent, lanNode]) await me.dial(p.getMultiaddrs()[0]!);
    // A peer whose connection looks open but that answers nothing any more.
    await silent.unhandle('/ipfs/ping/1.0.0');
    await lanNode.unhandle('/ipfs/ping/1.0.0');

    const dropped = await dropUnresponsivePeers(me, (id) => id === lanNode.peerId.toString(), 2_000);
    expect(dropped).toBe(1);
    const connected = new Set(me.getConnections().map((c) => c.remotePeer.toString()));
    expect(connected.has(silent.peerId.toString())).toBe(false);
    expect(connected.has(alive.peerId.toString())).toBe(true);
    expect(connected.has(lanNode.peerId.toString())).toBe(true);
  });

  it('gives up on a peer that never answers within the bound', async () => {
    const [me, stalled] = await Promise.all([start(), start()]);
    await me.dial(stalled.getMultiaddrs()[0]!);
    // Accepts the ping stream and never replies.
    await stalled.unhandle('/ipfs/ping/1.0.0');
    await stalled.handle('/ipfs/ping/1.0.0', () => undefined);
    expect(await dropUnresponsivePeers(me, () => false, 1_000)).toBe(1);
    expect(me.getConnections()).toHaveLength(0);
  });
});
