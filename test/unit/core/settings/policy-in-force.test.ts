import { describe, expect, it } from 'vitest';
import { mergeSettings, policyInForce } from '../../../../src/core/settings/index.ts';

describe('the policy in force, as remembered for a later start', () => {
  it('merged again over the same user options, locks the same settings at the same values', () => {
    const user = { maxCacheMB: 300, blockedSites: ['bank.example'] };
    const m = mergeSettings({ policy: { sharingMode: 'off', maxCacheMB: 64, enabled: true, minLanPeers: 'many' }, user });
    const again = mergeSettings({ policy: policyInForce(m), user });
    expect(again.locked).toEqual(m.locked);
    expect(again.values).toEqual(m.values);
  });

  it('keeps only what took effect: an invalid policy value locks nothing and is left out', () => {
    expect(policyInForce(mergeSettings({ policy: { maxCacheMB: 64, minLanPeers: 'many' } }))).toEqual({ maxCacheMB: 64 });
  });

  it('no policy is an empty policy, not none', () => {
    expect(policyInForce(mergeSettings({ user: { enabled: false } }))).toEqual({});
  });
});
