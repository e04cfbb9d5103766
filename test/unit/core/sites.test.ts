import { describe, expect, it } from 'vitest';
import { siteOf } from '../../../src/core/site-of.ts';
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

describe('the site a host belongs to (budgets)', () => {
  it('is the registrable domain, so subdomains share it', () => {
    expect(siteOf('a1.junk.example')).toBe('junk.example');
    expect(siteOf('cdn.static.news.example')).toBe('news.example');
    expect(siteOf('news.example')).toBe('news.example');
    expect(siteOf('x.y.example.co.uk')).toBe('example.co.uk');
    expect(siteOf('a1.ab.de')).toBe('ab.de');
  });

  it('does not count suffixes companies hand out as public: their free sites share one budget', () => {
    expect(siteOf('alice.github.io')).toBe('github.io');
    expect(siteOf('mallory.github.io')).toBe('github.io');
  });

  it('is the host itself where there is no registrable domain', () => {
    expect(siteOf('127.0.0.1')).toBe('127.0.0.1');
    expect(siteOf('localhost')).toBe('localhost');
  });
});
