import { describe, expect, it } from 'vitest';
import { isLanIPv4, isLanIPv6, parseIPv6, parseLanMultiaddr } from '../../../src/core/lan-address.ts';

describe('LAN address classification', () => {
  it.each(['10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.0.1', '127.0.0.1', '169.254.1.1'])('%s is LAN', (ip) => {
    expect(isLanIPv4(ip)).toBe(true);
  });
  it.each(['8.8.8.8', '172.32.0.1', '172.15.0.1', '100.64.0.1', '192.169.0.1', '010.0.0.1', '10.0.0', '10.0.0.256', ''])(
    '%s is not LAN',
    (ip) => expect(isLanIPv4(ip)).toBe(false),
  );
  it.each(['::1', 'fe80::1', 'fd12:3456::1', 'fc00::', '::ffff:192.168.1.1'])('%s is LAN', (ip) => expect(isLanIPv6(ip)).toBe(true));
  it.each(['2001:db8::1', '::', '::ffff:8.8.8.8', 'fe80::1::2', 'gg::1', '1:2:3:4:5:6:7:8:9'])('%s is not LAN', (ip) =>
    expect(isLanIPv6(ip)).toBe(false),
  );
  it('expands IPv6 compression', () => {
    expect(parseIPv6('fe80::1')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
  });
});

describe('parseLanMultiaddr', () => {
  it('accepts a LAN WebSocket address with a peer id', () => {
    const id = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo';
    expect(parseLanMultiaddr(`/ip4/192.168.1.10/tcp/4002/ws/p2p/${id}`)).toEqual({
      family: 4, ip: '192.168.1.10', port: 4002, secure: false, peerId: id,
    });
    expect(parseLanMultiaddr('/ip4/10.1.2.3/tcp/443/tls/ws')).toMatchObject({ secure: true });
  });
  it.each([
    ['/ip4/1.1.1.1/tcp/4002/ws', 'not a local-network address'],
    ['/ip4/10.0.0.1/tcp/0/ws', 'TCP port'],
    ['/ip4/10.0.0.1/tcp/70000/ws', 'TCP port'],
    ['/ip4/10.0.0.1/udp/4002/ws', 'TCP port'],
    ['/ip4/10.0.0.1/tcp/4002/ws/extra', 'unexpected parts'],
    ['/ip4/10.0.0.1/tcp/4002/ws/p2p/!!', 'peer id'],
    ['ip4/10.0.0.1/tcp/4002/ws', 'must start with "/"'],
  ])('%s is refused (%s)', (text, reason) => {
    expect(parseLanMultiaddr(text)).toEqual(expect.stringContaining(reason));
  });
});
