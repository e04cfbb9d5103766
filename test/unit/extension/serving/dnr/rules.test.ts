import { describe, expect, it } from 'vitest';
import type { CspDestination } from '../../../../../src/core/serving/csp.ts';
import { diffRuleSets } from '../../../../../src/core/serving/hot-set.ts';
import { createSiteSafety, type GateHosts } from '../../../../../src/core/serving/site-safety.ts';
import {
  GATE_ALLOW_RULE_IDS,
  GATE_OVERRIDE_RULE_IDS,
  GATE_PRIORITY,
  GATE_RULE_IDS,
  REDIRECT_PRIORITY,
  buildGateRules,
  buildHotSetUpdate,
  buildRedirectRule,
  redirectResourceTypes,
  type RedirectRuleSource,
} from '../../../../../src/extension/serving/dnr/rules.ts';
import type { DnrRule } from '../../../../../src/extension/serving/dnr/types.ts';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const JQ = 'https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js';
const source = (extra: Partial<RedirectRuleSource> = {}): RedirectRuleSource => ({
  urls: [JQ],
  contentType: 'text/javascript; charset=utf-8',
  body: bytes('var a;'),
  corsAnyOrigin: true,
  ...extra,
});

describe('redirectResourceTypes', () => {
  it.each<[Parameters<typeof redirectResourceTypes>[0], string[]]>([
    // Never xmlhttprequest: a credentialed fetch() fails against a wildcard on the network, and
    // DNR cannot see credentials. So wasm, only ever fetched, gets no rule.
    ['script', ['script']],
    ['style', ['stylesheet']],
    ['image', ['image']],
    ['font', ['font']],
    ['wasm', []],
  ])('%s readable by any origin -> %j', (kind, expected) => {
    expect(redirectResourceTypes(kind, { corsAnyOrigin: true })).toEqual(expected);
  });

  // DNR cannot tell a crossorigin tag or a fetch() from a plain load: a data: answer would pass
  // the CORS check the origin's response fails, or the CORP check it is put to.
  it.each(['script', 'style', 'image', 'font', 'wasm'] as const)('answers no %s the origin keeps from other origins', (kind) => {
    expect(redirectResourceTypes(kind, { corsAnyOrigin: false })).toEqual([]);
    expect(redirectResourceTypes(kind, { corsAnyOrigin: true, corp: 'same-site' })).toEqual([]);
    expect(redirectResourceTypes(kind, { corsAnyOrigin: true, corp: 'same-origin' })).toEqual([]);
  });
});

describe('buildRedirectRule', () => {
  it('builds one GET-only, case-sensitive redirect to a data: URL', () => {
    const result = buildRedirectRule(100, source({ urls: [JQ, 'https://unpkg.com/jquery@3.7.1/dist/jquery.min.js'] }));
    expect(result).toEqual({
      ok: true,
      rule: {
        id: 100,
        priority: REDIRECT_PRIORITY,
        action: { type: 'redirect', redirect: { url: 'data:text/javascript;charset=utf-8;base64,dmFyIGE7' } },
        condition: {
          regexFilter: '^https://(?:cdn\\.jsdelivr\\.net/np|unpkg\\.co)m/jquery@3\\.7\\.1/dist/jquery\\.min\\.js$',
          isUrlFilterCaseSensitive: true,
          resourceTypes: ['script'],
          requestMethods: ['get'],
        },
      },
      urls: [JQ, 'https://unpkg.com/jquery@3.7.1/dist/jquery.min.js'],
      dropped: [],
    });
  });

  it('answers only pages of the sites a group binding may be answered to', () => {
    const result = buildRedirectRule(100, source({ urls: [JQ], sites: ['shop.example'] }));
    expect(result.ok && result.rule.condition.initiatorDomains).toEqual(['shop.example']);
    const any = buildRedirectRule(100, source({ urls: [JQ] }));
    expect(any.ok && 'initiatorDomains' in any.rule.condition).toBe(false);
  });

  it('reports URLs it left out', () => {
    const result = buildRedirectRule(100, source({ urls: ['http://x.example/a.js', JQ] }));
    expect(result).toMatchObject({ ok: true, urls: [JQ], dropped: [{ url: 'http://x.example/a.js', reason: 'not-https' }] });
  });

  it('matches a URL too long for any regex exactly with a urlFilter', () => {
    const long = `https://static.example/assets/${'0123456789abcdef'.repeat(6)}/app.js`;
    const result = buildRedirectRule(100, source({ urls: [long] }));
    expect(result).toMatchObject({ ok: true, urls: [long], dropped: [] });
    expect(result.ok && result.rule.condition).toEqual({ urlFilter: `|${long}|`, isUrlFilterCaseSensitive: true, resourceTypes: ['script'], requestMethods: ['get'] });
  });

  it.each<[string, Partial<RedirectRuleSource>, string]>([
    ['a long URL with a character urlFilter gives a meaning', { urls: [`https://static.example/${'a'.repeat(120)}*.js`] }, 'no-usable-url'],
    ['an unsupported type', { contentType: 'text/html' }, 'unsupported-type'],
    ['URLs whose origin sent no `Access-Control-Allow-Origin: *`', { corsAnyOrigin: false }, 'not-exact'],
    ['URLs whose origin keeps them to its own site (CORP)', { corp: 'same-site' }, 'not-exact'],
    ['too many bytes', { contentType: 'image/png', body: new Uint8Array(1_500_001) }, 'too-large'],
    ['no usable URL', { urls: ['http://x.example/a.js'] }, 'no-usable-url'],
  ])('refuses %s', (_label, extra, reason) => {
    expect(buildRedirectRule(100, source(extra))).toMatchObject({ ok: false, reason });
  });
});

const hosts = (safe: string[], unsafeSubdomains: string[] = []): GateHosts => ({ safe, unsafeSubdomains });

describe('buildGateRules', () => {
  it('allows every served type at a higher priority than redirects when no host is safe', () => {
    const rules = buildGateRules(() => hosts([]));
    expect(GATE_PRIORITY).toBeGreaterThan(REDIRECT_PRIORITY);
    expect(rules).toEqual(
      (['script', 'stylesheet', 'font', 'image', 'xmlhttprequest'] as const).map((type) => ({
        id: GATE_ALLOW_RULE_IDS[type],
        priority: GATE_PRIORITY,
        action: { type: 'allow' },
        condition: { resourceTypes: [type] },
      })),
    );
  });

  it('excludes the safe hosts and re-allows their unsafe subdomains', () => {
    const asked: string[] = [];
    const rules = buildGateRules((ds) => {
      asked.push(ds.join('+'));
      return ds.length === 1 && ds[0] === 'script' ? hosts(['a.example', 'b.test'], ['bad.a.example']) : hosts([]);
    });
    expect(asked).toEqual(['script', 'style', 'font', 'image', 'connect+script+style+font+image']);
    const script = rules.filter((r) => r.condition.resourceTypes?.[0] === 'script');
    expect(script).toEqual([
      {
        id: GATE_ALLOW_RULE_IDS.script,
        priority: GATE_PRIORITY,
        action: { type: 'allow' },
        condition: { resourceTypes: ['script'], excludedInitiatorDomains: ['a.example', 'b.test'] },
      },
      {
        id: GATE_OVERRIDE_RULE_IDS.script,
        priority: GATE_PRIORITY,
        action: { type: 'allow' },
        condition: { resourceTypes: ['script'], initiatorDomains: ['bad.a.example'] },
      },
    ]);
    expect(rules).toHaveLength(6);
  });

  it('needs a host safe for every destination before serving it xmlhttprequest', () => {
    const clock = { t: 1 };
    const safety = createSiteSafety({ now: () => clock.t });
    const all = { script: true, style: true, font: true, image: true, connect: true };
    safety.observe('all.example', all);
    safety.observe('connect-only.example', { ...all, script: false });
    const xhr = buildGateRules((ds: readonly CspDestination[]) => safety.gateHosts(ds)).find((r) => r.id === GATE_ALLOW_RULE_IDS.xmlhttprequest);
    expect(xhr?.condition.excludedInitiatorDomains).toEqual(['all.example']);
  });

  it('uses ids of the fixed range only', () => {
    expect(GATE_RULE_IDS.every((id) => id >= 1 && id <= 99)).toBe(true);
    expect(new Set(GATE_RULE_IDS).size).toBe(GATE_RULE_IDS.length);
  });
});

describe('buildHotSetUpdate', () => {
  const sources = new Map<string, RedirectRuleSource>([
    ['a', source({ urls: ['https://x.example/a.js'] })],
    ['b', source({ urls: ['https://x.example/b.js'] })],
    ['font', source({ urls: ['https://x.example/f.woff2'], contentType: 'font/woff2', corsAnyOrigin: false })],
  ]);

  it('batches removals and additions of a diff into one update', () => {
    const diff = diffRuleSets(new Map([['old', 100], ['a', 101]]), ['a', 'b']);
    const out = buildHotSetUpdate({ diff, sources });
    expect(out.update.removeRuleIds).toEqual([100]);
    expect(out.update.addRules.map((r: DnrRule) => [r.id, r.condition.regexFilter])).toEqual([[100, '^https://x\\.example/b\\.js$']]);
    expect(out.installed).toEqual(new Map([['a', 101], ['b', 100]]));
    expect(out.covered).toEqual(new Map([['b', ['https://x.example/b.js']]]));
    expect(out.refused).toEqual([]);
  });

  it('leaves refused and unknown assets out of the installed map', () => {
    const diff = diffRuleSets(new Map(), ['font', 'ghost', 'a']);
    const out = buildHotSetUpdate({ diff, sources });
    expect(out.refused).toEqual([{ key: 'font', reason: 'not-exact' }, { key: 'ghost', reason: 'missing-source' }]);
    expect(out.update.addRules.map((r) => r.id)).toEqual([102]);
    expect(out.installed).toEqual(new Map([['a', 102]]));
  });

  it('carries the gate in the same batch when given', () => {
    const gate = buildGateRules(() => hosts(['a.example']));
    const diff = diffRuleSets(new Map([['a', 100]]), []);
    const out = buildHotSetUpdate({ diff, sources, gateRules: gate });
    expect(out.update.removeRuleIds).toEqual([100, ...GATE_RULE_IDS]);
    expect(out.update.addRules).toEqual(gate);
  });

  it('reports dropped URLs per asset', () => {
    const diff = diffRuleSets(new Map(), ['a']);
    const out = buildHotSetUpdate({ diff, sources: new Map([['a', source({ urls: ['http://x.example/a.js', JQ] })]]) });
    expect(out.dropped).toEqual([{ key: 'a', url: 'http://x.example/a.js', reason: 'not-https' }]);
  });
});
