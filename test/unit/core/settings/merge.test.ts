import { describe, expect, it } from 'vitest';
import { applyUserChange, defaultSettings, mergeSettings, SETTING_NAMES } from '../../../../src/core/settings/index.ts';

describe('mergeSettings', () => {
  it('gives the defaults when nobody set anything', () => {
    const m = mergeSettings({});
    expect(m.values).toEqual(defaultSettings());
    expect(m.locked).toEqual([]);
    expect(m.problems).toEqual([]);
    expect(new Set(Object.values(m.sources))).toEqual(new Set(['default']));
  });

  it('lets policy win over the user, and locks exactly what policy set', () => {
    const m = mergeSettings({
      user: { maxCacheMB: 100, sharingMode: 'off', requirePopular: false },
      policy: { sharingMode: 'lan', minLanPeers: 5 },
    });
    expect(m.values.sharingMode).toBe('lan');
    expect(m.values.maxCacheMB).toBe(100);
    expect(m.values.requirePopular).toBe(false);
    expect(m.values.minLanPeers).toBe(5);
    expect([...m.locked].sort()).toEqual(['minLanPeers', 'sharingMode']);
    expect(m.sources.sharingMode).toBe('policy');
    expect(m.sources.maxCacheMB).toBe('user');
    expect(m.sources.cacheEnabled).toBe('default');
  });

  it('falls back to the user value when a policy value is bad, reports it, and does not lock', () => {
    const m = mergeSettings({ user: { maxCacheMB: 200 }, policy: { maxCacheMB: 'lots' } });
    expect(m.values.maxCacheMB).toBe(200);
    expect(m.locked).toEqual([]);
    expect(m.problems).toEqual([{ source: 'policy', name: 'maxCacheMB', message: expect.stringContaining('whole number from 16') }]);
  });

  it('falls back to the default when both policy and user values are bad', () => {
    const m = mergeSettings({ user: { meteredMode: 'sometimes' }, policy: { meteredMode: 3 } });
    expect(m.values.meteredMode).toBe('pause');
    expect(m.problems.map((p) => p.source).sort()).toEqual(['policy', 'user']);
  });

  it.each([null, undefined, 'text', 42, ['a'], true])('survives a policy that is not an object (%s)', (policy) => {
    const m = mergeSettings({ policy, user: { enabled: false } });
    expect(m.values.enabled).toBe(false);
    expect(m.locked).toEqual([]);
  });

  it('reports unknown settings and ignores them', () => {
    const m = mergeSettings({ policy: { enabeld: false, __proto__: { enabled: false } } as unknown });
    expect(m.values.enabled).toBe(true);
    expect(m.problems).toEqual([{ source: 'policy', name: 'enabeld', message: 'unknown setting, ignored' }]);
  });

  it('never returns lists that alias the defaults', () => {
    const a = mergeSettings({});
    (a.values.blockedSites as string[]).push('x.example');
    expect(mergeSettings({}).values.blockedSites).toEqual([]);
  });

  it('covers every documented setting name (an admin-facing contract)', () => {
    expect([...SETTING_NAMES].sort()).toEqual(
      [
        'enabled', 'cacheEnabled', 'sharingMode', 'lanNodes', 'groupKey', 'trustGroupBindings', 'requirePopular',
        'minLanPeers', 'maxCacheMB', 'maxAssetMB', 'maxUploadKbps', 'monthlyUploadCapMB', 'meteredMode',
        'treatAsMetered', 'blockedSites', 'allowedSites', 'replicatePopular',
      ].sort(),
    );
  });
});

describe('applyUserChange', () => {
  const merged = mergeSettings({ policy: { sharingMode: 'off' } });

  it('refuses a setting locked by policy', () => {
    expect(applyUserChange(merged, {}, 'sharingMode', 'lan')).toEqual({ ok: false, message: expect.stringContaining('organisation') });
  });

  it('refuses an invalid value with the validation message', () => {
    const r = applyUserChange(merged, {}, 'minLanPeers', 1);
    expect(r).toEqual({ ok: false, message: expect.stringContaining('from 2 to 1000') });
  });

  it('stores a valid value beside the existing ones, normalised', () => {
    const r = applyUserChange(merged, { enabled: false }, 'blockedSites', ['Bank.Example', ' ', 'bank.example']);
    expect(r).toEqual({ ok: true, user: { enabled: false, blockedSites: ['bank.example'] } });
  });
});
