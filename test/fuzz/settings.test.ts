// Settings validation (src/core/settings/). Policy files are written by hand and options arrive
// in messages, so any value at all may reach validateSetting and mergeSettings: they must never
// throw, and nothing they accept may break the schema. LAN node addresses are checked against
// two references: @multiformats/multiaddr must read them, and node:net's BlockList, given the
// LAN ranges, must place their IP on the LAN.
import { BlockList, isIPv4 } from 'node:net';
import { multiaddr } from '@multiformats/multiaddr';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyUserChange, mergeSettings, settingDef, SETTING_NAMES, validateSetting, type SettingDef } from '../../src/core/settings/index.ts';
import { hostMatches, normalizeSitePattern } from '../../src/core/sites.ts';
import { checkProperty } from './support/runs.ts';

// RFC 1918, loopback, link-local (v4 and v6), unique-local: what PeerCache calls the LAN.
const lan = new BlockList();
for (const [net, prefix] of [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['127.0.0.0', 8], ['169.254.0.0', 16]] as const) lan.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::1', 128], ['fe80::', 10], ['fc00::', 7]] as const) lan.addSubnet(net, prefix, 'ipv6');
const onLan = (ip: string): boolean => {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return lan.check(mapped[1]!, 'ipv4');
  return lan.check(ip, isIPv4(ip) ? 'ipv4' : 'ipv6');
};

const hex = (minLength: number, maxLength: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength, maxLength });
const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.oneof(
  fc.tuple(fc.constantFrom(10, 127, 172, 192, 169, 100, 8), octet, octet, octet).map((p) => p.join('.')),
  fc.ipV4(),
  fc.ipV4Extended(),
);
const ipv6 = fc.oneof(
  fc.ipV6(),
  fc.tuple(fc.constantFrom('fe80', 'fd12', 'fc00', 'febf', 'fec0', '2001'), fc.array(hex(1, 4), { maxLength: 6 })).map(([h, rest]) => [h, ...rest].join(':') + (rest.length < 7 ? '::1' : '')),
  ipv4.map((v4) => `::ffff:${v4}`),
);
const peerId = fc.stringMatching(/^[1-9A-HJ-NP-Za-km-z]{18,60}$/);
const multiaddrText = fc
  .tuple(
    fc.oneof(ipv4.map((ip) => `/ip4/${ip}`), ipv6.map((ip) => `/ip6/${ip}`), fc.constant('/dns4/nas.local')),
    fc.oneof(fc.integer({ min: 0, max: 70000 }).map((p) => `/tcp/${p}`), fc.constant('/udp/4002')),
    fc.constantFrom('/ws', '/wss', '/tls/ws', '/ws/', '', '/http'),
    fc.option(peerId.map((id) => `/p2p/${id}`)),
    fc.constantFrom('', ' ', '\n'),
  )
  .map(([ip, port, ws, id, pad]) => `${pad}${ip}${port}${ws}${id ?? ''}${pad}`);
const siteText = fc.oneof(fc.domain(), fc.domain().map((d) => `*.${d.toUpperCase()}.`), fc.string({ maxLength: 30 }), fc.webUrl());

/** Values near what each kind accepts, and anything at all. */
function valueFor(def: SettingDef): fc.Arbitrary<unknown> {
  const anything = fc.anything({ withBigInt: true, withNullPrototype: true, withSparseArray: true, withTypedArray: true, withDate: true, withMap: true });
  switch (def.kind) {
    case 'boolean':
      return fc.oneof(fc.boolean(), fc.constantFrom('true', 0, 1, null), anything);
    case 'enum':
      return fc.oneof(fc.constantFrom(...def.values), fc.constantFrom(...def.values).map((v) => v.toUpperCase()), anything);
    case 'integer':
      return fc.oneof(fc.integer({ min: def.min - 2, max: def.max + 2 }), fc.double(), fc.constantFrom(-0, NaN, Infinity, `${def.min}`), anything);
    case 'groupKey':
      return fc.oneof(hex(63, 65), hex(64, 64).map((k) => ` ${k.toUpperCase()}\n`), fc.constant(''), anything);
    case 'list': {
      const item = def.item === 'lanMultiaddr' ? multiaddrText : siteText;
      return fc.oneof(fc.array(fc.oneof(item, item, fc.constant(''), anything), { maxLength: def.maxItems + 1 }), anything);
    }
  }
}

const nameAndValue = fc.constantFrom(...SETTING_NAMES).chain((name) => fc.tuple(fc.constant(name), valueFor(settingDef(name)!)));

/** What an accepted value of `def` must be. */
function expectConforms(def: SettingDef, value: unknown): void {
  switch (def.kind) {
    case 'boolean':
      expect(typeof value).toBe('boolean');
      return;
    case 'enum':
      expect(def.values).toContain(value);
      return;
    case 'integer':
      expect(Number.isSafeInteger(value)).toBe(true);
      expect(value as number).toBeGreaterThanOrEqual(def.min);
      expect(value as number).toBeLessThanOrEqual(def.max);
      return;
    case 'groupKey':
      expect(value).toMatch(/^(?:[0-9a-f]{64})?$/);
      return;
    case 'list': {
      const items = value as string[];
      expect(Array.isArray(items) && items.every((i) => typeof i === 'string' && i !== '' && i === i.trim())).toBe(true);
      expect(new Set(items).size).toBe(items.length);
      expect(items.length).toBeLessThanOrEqual(def.maxItems);
      for (const item of items) {
        if (def.item === 'lanMultiaddr') {
          const ip = multiaddr(item).getComponents()[0]!.value!;
          expect(onLan(ip), `${item} is not on the LAN`).toBe(true);
        } else {
          expect(normalizeSitePattern(item)).toBe(item);
          expect(hostMatches(item.replace(/^\*\./, 'a.'), [item])).toBe(true);
        }
      }
    }
  }
}

describe('settings validation', () => {
  it('never throws on any value of any setting, and what it accepts fits the schema and is already normal', () =>
    checkProperty(
      fc.property(nameAndValue, ([name, value]) => {
        const def = settingDef(name)!;
        const checked = validateSetting(name, value);
        if (!checked.ok) {
          expect(typeof checked.message).toBe('string');
          return;
        }
        expectConforms(def, checked.value);
        expect(validateSetting(name, checked.value)).toEqual(checked);
      }),
    ));

  it('accepts a LAN node address only when multiaddr reads it and node:net puts its IP on the LAN', () =>
    checkProperty(
      fc.property(multiaddrText, (text) => {
        if (!validateSetting('lanNodes', [text]).ok) return;
        const [ip, tcp, ...rest] = multiaddr(text.trim()).getComponents();
        expect(ip!.name === 'ip4' || ip!.name === 'ip6').toBe(true);
        expect(onLan(ip!.value!), text).toBe(true);
        expect(tcp!.name).toBe('tcp');
        expect(Number(tcp!.value)).toBeGreaterThan(0);
        expect(rest.map((c) => c.name).join('/')).toMatch(/^(?:ws|wss|tls\/ws)(?:\/p2p)?$/);
      }),
    ));

  it('accepts every address of the documented form whose IP node:net puts on the LAN, and no other', () =>
    checkProperty(
      fc.property(
        fc.oneof(ipv4.map((ip) => `/ip4/${ip}`), ipv6.map((ip) => `/ip6/${ip}`)),
        fc.integer({ min: 1, max: 65535 }),
        fc.constantFrom('/ws', '/wss', '/tls/ws'),
        fc.option(fc.stringMatching(/^[1-9A-HJ-NP-Za-km-z]{20,60}$/)),
        (ip, port, ws, id) => {
          const text = `${ip}/tcp/${port}${ws}${id === null ? '' : `/p2p/${id}`}`;
          let reference: boolean;
          try {
            reference = onLan(multiaddr(text).getComponents()[0]!.value!);
          } catch {
            reference = false; // not an IP address multiaddr can read
          }
          expect(validateSetting('lanNodes', [text]).ok, text).toBe(reference);
        },
      ),
    ));

  it('merges any policy and user objects without throwing into settings that all validate, locking only valid policy', () =>
    checkProperty(
      fc.property(
        fc.oneof(fc.dictionary(fc.constantFrom(...SETTING_NAMES, 'unknown', '__proto__'), fc.anything()), nameAndValue.map(([n, v]) => ({ [n]: v })), fc.anything()),
        fc.oneof(nameAndValue.map(([n, v]) => ({ [n]: v })), fc.anything()),
        nameAndValue,
        (policy, user, [name, value]) => {
          const merged = mergeSettings({ policy, user });
          for (const n of SETTING_NAMES) expect(validateSetting(n, merged.values[n])).toEqual({ ok: true, value: merged.values[n] });
          for (const n of merged.locked) expect(validateSetting(n, (policy as Record<string, unknown>)[n]).ok).toBe(true);
          const change = applyUserChange(merged, user, name, value);
          if (change.ok) expect(merged.locked).not.toContain(name);
        },
      ),
      0.5,
    ));
});
