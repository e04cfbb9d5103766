import { multiaddr } from '@multiformats/multiaddr';
import { describe, expect, it } from 'vitest';
import { createLanGater, isLanMultiaddr } from '../../../src/p2p/lan-gate.ts';

const PEER = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo';

describe('LAN-only gater', () => {
  it.each([
    '/ip4/192.168.1.10/tcp/4002/ws',
    '/ip4/127.0.0.1/tcp/4001',
    '/ip6/::1/tcp/4001/ws',
    '/ip6/fe80::1/udp/4001/webrtc-direct',
    `/ip4/10.0.0.1/tcp/4002/ws/p2p/${PEER}/p2p-circuit/webrtc`,
    `/p2p/${PEER}/p2p-circuit/p2p/${PEER}`,
    `/webrtc/p2p/${PEER}`,
  ])('allows %s', (text) => {
    expect(isLanMultiaddr(multiaddr(text))).toBe(true);
  });

  it.each([
    '/ip4/8.8.8.8/tcp/4001',
    '/ip4/100.64.0.1/tcp/4001',
    '/ip6/2001:db8::1/tcp/4001',
    '/dns4/localhost/tcp/4001/ws',
    '/dnsaddr/bootstrap.libp2p.io',
    `/ip4/8.8.8.8/tcp/4002/ws/p2p/${PEER}/p2p-circuit/webrtc`,
    `/p2p/${PEER}`,
  ])('refuses %s', (text) => {
    expect(isLanMultiaddr(multiaddr(text))).toBe(false);
  });

  it('answers libp2p\'s questions: deny dials, connections and learned addresses off the LAN', async () => {
    const gater = createLanGater();
    expect(await gater.denyDialMultiaddr?.(multiaddr('/ip4/1.1.1.1/tcp/1'))).toBe(true);
    expect(await gater.denyDialMultiaddr?.(multiaddr('/ip4/192.168.0.2/tcp/1'))).toBe(false);
    const conn = (addr: string) => ({ remoteAddr: multiaddr(addr) }) as never;
    expect(await gater.denyInboundConnection?.(conn('/ip4/203.0.113.9/tcp/5555'))).toBe(true);
    expect(await gater.denyInboundConnection?.(conn('/ip4/10.1.1.1/tcp/5555'))).toBe(false);
    expect(await gater.denyOutboundConnection?.({} as never, conn('/ip4/203.0.113.9/tcp/5555'))).toBe(true);
    expect(await gater.filterMultiaddrForPeer?.({} as never, multiaddr('/ip4/203.0.113.9/tcp/1'))).toBe(false);
  });
});
