import { multiaddr } from '@multiformats/multiaddr';
import { describe, expect, it } from 'vitest';
import { remoteHostOf } from '../../../src/p2p/remote-host.ts';

const PEER = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo';

describe('remoteHostOf', () => {
  it.each([
    ['/ip4/192.168.1.10/tcp/4002/ws', '192.168.1.10'],
    [`/ip4/10.0.0.7/tcp/4001/p2p/${PEER}`, '10.0.0.7'],
    ['/ip6zone/eth0/ip6/fe80::1/tcp/4001', 'fe80::1'],
    ['/ip6/fd00::AB/tcp/4001', 'fd00::ab'],
    // A dual-stack listener's view of an IPv4 peer: the same machine as /ip4/10.0.0.5.
    ['/ip6/::ffff:10.0.0.5/tcp/4002/ws', '10.0.0.5'],
  ])('names the machine of %s', (text, host) => {
    expect(remoteHostOf(multiaddr(text))).toBe(host);
  });

  it.each([
    // A relayed connection's IP is the relay's: every peer behind it would share one count.
    `/ip4/10.0.0.1/tcp/4002/ws/p2p/${PEER}/p2p-circuit/p2p/${PEER}`,
    `/webrtc/p2p/${PEER}`,
  ])('names none for %s (counted per peer id instead)', (text) => {
    expect(remoteHostOf(multiaddr(text))).toBeUndefined();
  });
});
