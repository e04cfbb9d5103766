import { describe, expect, it } from 'vitest';
import { validateSetting } from '../../../../src/core/settings/index.ts';

describe('validateSetting', () => {
  it.each([
    ['enabled', 'true', 'expected true or false'],
    ['sharingMode', 'p2p', 'expected one of "off", "lan"'],
    ['maxCacheMB', 15, 'from 16 to 102400'],
    ['maxCacheMB', 20.5, 'whole number'],
    ['maxCacheMB', Number.NaN, 'whole number'],
    ['groupKey', 'abc', '64 hexadecimal'],
    ['lanNodes', '/ip4/10.0.0.1/tcp/4002/ws', 'list of strings'],
    ['lanNodes', ['/ip4/8.8.8.8/tcp/4002/ws'], 'not a local-network address'],
    ['lanNodes', ['/dns4/node.corp/tcp/4002/ws'], 'not a DNS name'],
    ['lanNodes', ['/ip4/10.0.0.1/tcp/4002'], '/ws or /wss'],
    ['lanNodes', [42], 'entry 1 is not a string'],
    ['blockedSites', ['https://bank.example/'], 'write just the host name'],
    ['blockedSites', ['ba nk.example'], 'not a host name'],
    ['nonsense', 1, 'unknown setting'],
  ])('%s = %j is refused with a clear message', (name, value, message) => {
    const r = validateSetting(name, value);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.message).toContain(message);
  });

  it.each([
    ['enabled', false, false],
    ['maxCacheMB', 16, 16],
    ['groupKey', 'AB'.repeat(32), 'ab'.repeat(32)],
    ['groupKey', '', ''],
    ['lanNodes', ['/ip4/192.168.1.10/tcp/4002/ws', '/ip6/fe80::1/tcp/443/wss'], ['/ip4/192.168.1.10/tcp/4002/ws', '/ip6/fe80::1/tcp/443/wss']],
    ['allowedSites', ['*.Corp.Example.'], ['*.corp.example']],
  ])('%s = %j is accepted as %j', (name, value, expected) => {
    expect(validateSetting(name, value)).toEqual({ ok: true, value: expected });
  });

  it('refuses a list longer than its bound without looking at every entry', () => {
    const r = validateSetting('lanNodes', new Array(17).fill('/ip4/10.0.0.1/tcp/1/ws'));
    expect(r).toEqual({ ok: false, message: 'at most 16 entries, got 17' });
  });

  it('does not throw on values JSON cannot render', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(validateSetting('maxCacheMB', cyclic).ok).toBe(false);
    expect(validateSetting('maxCacheMB', 10n).ok).toBe(false);
  });
});
