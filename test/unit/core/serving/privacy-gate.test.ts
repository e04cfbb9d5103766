import { describe, expect, it } from 'vitest';
import { InvalidServingInputError } from '../../../../src/core/serving/errors.ts';
import { bindingVerdict, crossSiteVerdict, mayServeCrossSite, type PrivacyGateInput } from '../../../../src/core/serving/privacy-gate.ts';

describe('crossSiteVerdict', () => {
  it.each<[Omit<PrivacyGateInput, 'minLanPeers'>, boolean, string]>([
    [{ onList: true, lanPeers: 0, requirePopular: true }, true, 'on-list'],
    [{ onList: false, lanPeers: 3, requirePopular: true }, true, 'lan-popular'],
    [{ onList: false, lanPeers: 4, requirePopular: true }, true, 'lan-popular'],
    [{ onList: false, lanPeers: 2, requirePopular: true }, false, 'not-popular'],
    [{ onList: false, lanPeers: 0, requirePopular: true }, false, 'not-popular'],
    [{ onList: false, lanPeers: 2, requirePopular: false }, true, 'popularity-not-required'],
    [{ onList: true, lanPeers: 0, requirePopular: false }, true, 'on-list'],
    [{ onList: false, lanPeers: 5, requirePopular: false }, true, 'lan-popular'],
  ])('%j with minLanPeers 3 -> %s (%s)', (input, allowed, reason) => {
    const full = { ...input, minLanPeers: 3 };
    expect(crossSiteVerdict(full)).toEqual({ allowed, reason });
    expect(mayServeCrossSite(full)).toBe(allowed);
  });

  it.each([
    { minLanPeers: 0, lanPeers: 0 },
    { minLanPeers: 1.5, lanPeers: 0 },
    { minLanPeers: Number.NaN, lanPeers: 0 },
    { minLanPeers: 3, lanPeers: -1 },
    { minLanPeers: 3, lanPeers: 0.5 },
  ])('rejects %j even for listed assets', (numbers) => {
    expect(() => crossSiteVerdict({ onList: true, requirePopular: true, ...numbers })).toThrow(InvalidServingInputError);
  });
});

describe('bindingVerdict: a page asks for a URL, and that URL\'s binding is judged', () => {
  const gate = { minLanPeers: 3, requirePopular: true };

  it('answers a URL the list binds, or one whose binding enough members hold', () => {
    expect(bindingVerdict({ urlListed: true, holders: 0 }, gate)).toEqual({ allowed: true, reason: 'on-list' });
    expect(bindingVerdict({ urlListed: false, holders: 3 }, gate)).toEqual({ allowed: true, reason: 'lan-popular' });
  });

  it('does not answer a bank\'s own copy of a listed file: its bytes are listed, its URL is not', () => {
    expect(bindingVerdict({ urlListed: false, holders: 0 }, gate)).toEqual({ allowed: false, reason: 'not-popular' });
    expect(bindingVerdict({ urlListed: false, holders: 2 }, gate).allowed).toBe(false);
  });

  it('answers any binding when the admin turns requirePopular off', () => {
    expect(bindingVerdict({ urlListed: false, holders: 0 }, { ...gate, requirePopular: false })).toEqual({ allowed: true, reason: 'popularity-not-required' });
  });

  it('answers a group binding one member holds to the sites it was loaded on, and to no other site (issue 12)', () => {
    const app = { urlListed: false, holders: 1, sites: ['shop.example'] };
    expect(bindingVerdict(app, gate, 'shop.example')).toEqual({ allowed: true, reason: 'same-site' });
    // Another site timing it would learn where this office has been: refused.
    expect(bindingVerdict(app, gate, 'tracker.example')).toEqual({ allowed: false, reason: 'not-popular' });
    expect(bindingVerdict(app, gate)).toEqual({ allowed: false, reason: 'not-popular' });
    expect(bindingVerdict({ urlListed: false, holders: 1 }, gate, 'shop.example').allowed).toBe(false);
    expect(bindingVerdict({ ...app, sites: [] }, gate, '').allowed).toBe(false);
  });
});
