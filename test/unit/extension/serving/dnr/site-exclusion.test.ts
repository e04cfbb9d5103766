import { describe, expect, it } from 'vitest';
import { PACKAGED_PRIORITY } from '../../../../../src/extension/serving/dnr/packaged-rules.ts';
import { packagedSiteRules, sameSiteRules } from '../../../../../src/extension/serving/dnr/site-exclusion.ts';

const on = { enabled: true, cacheEnabled: true, blockedSites: [] as string[], allowedSites: [] as string[] };

describe('packaged rules within the settings', () => {
  it('turns the ruleset off with PeerCache or its cache, and adds nothing when every site may be served', () => {
    expect(packagedSiteRules(on, [])).toEqual({ rulesetEnabled: true, rules: [] });
    expect(packagedSiteRules({ ...on, enabled: false }, []).rulesetEnabled).toBe(false);
    expect(packagedSiteRules({ ...on, cacheEnabled: false }, []).rulesetEnabled).toBe(false);
  });

  it('keeps blocked and paused sites on the network, above every packaged redirect', () => {
    const { rules } = packagedSiteRules({ ...on, blockedSites: ['bank.example', '*.corp.example'] }, ['news.example']);
    expect(rules).toHaveLength(1);
    expect(rules[0]!.priority).toBeGreaterThan(PACKAGED_PRIORITY);
    expect(rules[0]!.action).toEqual({ type: 'allow' });
    // `*.corp.example` widens to corp.example and its subdomains: the safe direction.
    expect(rules[0]!.condition.initiatorDomains).toEqual(['bank.example', 'corp.example', 'news.example']);
  });

  it('with an allow list, serves only its exact hosts; a wildcard pattern cannot be said exactly and serves nothing', () => {
    expect(packagedSiteRules({ ...on, allowedSites: ['shop.example', '*.corp.example'] }, []).rules[0]!.condition).toEqual({
      resourceTypes: ['script', 'stylesheet', 'font', 'image'],
      excludedInitiatorDomains: ['shop.example'],
    });
    expect(packagedSiteRules({ ...on, allowedSites: ['*.corp.example'] }, []).rules[0]!.condition.excludedInitiatorDomains).toBeUndefined();
  });
});

describe('site rules already in force', () => {
  const wanted = packagedSiteRules({ ...on, blockedSites: ['bank.example'], allowedSites: ['shop.example'] }, []).rules;

  it("are the same when the browser's copy orders keys otherwise or names fields left out", () => {
    const copy = wanted.map((r) => ({
      condition: { excludedResourceTypes: [], isUrlFilterCaseSensitive: false, domainType: null, ...Object.fromEntries(Object.entries(r.condition).reverse()) },
      action: r.action,
      priority: r.priority,
      id: r.id,
    }));
    expect(sameSiteRules(copy as never, wanted)).toBe(true);
    expect(sameSiteRules([], [])).toBe(true);
  });

  it('differ on any other change: a site more or less, another priority, a rule missing or left over', () => {
    const other = packagedSiteRules({ ...on, blockedSites: ['bank.example', 'mail.example'], allowedSites: ['shop.example'] }, []).rules;
    expect(sameSiteRules(wanted, other)).toBe(false);
    expect(sameSiteRules(wanted.map((r) => ({ ...r, priority: r.priority + 1 })), wanted)).toBe(false);
    expect(sameSiteRules(wanted.slice(1), wanted)).toBe(false);
    expect(sameSiteRules(wanted, wanted.slice(1))).toBe(false);
    expect(sameSiteRules(wanted, [])).toBe(false);
  });
});
