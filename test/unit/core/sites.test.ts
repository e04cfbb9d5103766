import { describe, expect, it } from 'vitest';
import { hostMatches, normalizeSitePattern, siteAllowed } from '../../../src/core/sites.ts';

describe('site patterns', () => {
  it('normalises case and a trailing dot', () => {
    expect(normalizeSitePattern(' Bank.Example. ')).toBe('bank.example');
  });
  it('matches a host and its subdomains, but not look-alikes', () => {
    expect(hostMatches('bank.example', ['bank.example'])).toBe(true);
    expect(hostMatches('www.bank.example', ['bank.example'])).toBe(true);
    expect(hostMatches('evilbank.example', ['bank.example'])).toBe(false);
  });
  it('"*." matches subdomains only', () => {
    expect(hostMatches('a.corp.example', ['*.corp.example'])).toBe(true);
    expect(hostMatches('corp.example', ['*.corp.example'])).toBe(false);
  });
  it('lets blocked win over allowed, and an empty allow list admit all', () => {
    expect(siteAllowed('x.example', { blockedSites: [], allowedSites: [] })).toBe(true);
    expect(siteAllowed('x.example', { blockedSites: ['x.example'], allowedSites: ['x.example'] })).toBe(false);
    expect(siteAllowed('y.example', { blockedSites: [], allowedSites: ['x.example'] })).toBe(false);
  });
});
