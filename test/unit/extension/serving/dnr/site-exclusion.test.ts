import { describe, expect, it } from 'vitest';
import { PACKAGED_PRIORITY } from '../../../../../src/extension/serving/dnr/packaged-rules.ts';
import { packagedSiteRules } from '../../../../../src/extension/serving/dnr/site-exclusion.ts';

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
