import { describe, expect, it } from 'vitest';
import type { CspDestination } from '../../../../src/core/serving/csp.ts';
import type { GateHosts } from '../../../../src/core/serving/site-safety.ts';
import { mergeSettings, type Settings } from '../../../../src/core/settings/index.ts';
import {
  assetBytes,
  planSessionRules,
  type BoundUrl,
  type CachedAsset,
  type InstalledRules,
  type Plan,
  type PlanInput,
} from '../../../../src/extension/serving/chromium-plan.ts';
import type { DnrResourceType, DnrRule } from '../../../../src/extension/serving/dnr/types.ts';

// What a user notices of a plan is what Chromium then does with a page's request: this applies
// the plan's updates to a set of session rules and answers requests the way DNR does (highest
// priority wins, `allow` before `redirect` at equal priority; initiator domains match
// subdomains, exclusion wins).

const NOW = 1_700_000_000_000;
const JQ_BYTES = new TextEncoder().encode('/*! jQuery */ window.jQuery = function () {};');
const JQ_CDN = 'https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js';
const JQ_UNPKG = 'https://unpkg.com/jquery@3.7.1/dist/jquery.min.js';
const JQ_BANK = 'https://bank.example/js/jquery.min.js';
const JS = 'text/javascript; charset=utf-8';

const listed = (url: string, type = JS): BoundUrl => ({ url, type, urlListed: true, holders: 0, corsAnyOrigin: true, freshUntil: Infinity });
const observed = (url: string, over: Partial<BoundUrl> = {}): BoundUrl => ({ url, type: JS, urlListed: false, holders: 0, corsAnyOrigin: true, freshUntil: NOW + 86_400_000, ...over });
const asset = (mh: string, urls: BoundUrl[], size = JQ_BYTES.length): CachedAsset => ({ mh, size, useCount: 1, lastUsedAt: NOW, urls });

/** A browser with session rules, the sites it knows to admit `data:`, and a cache. */
function browser(init: { safe?: string[]; blocked?: string[]; bytes?: Record<string, Uint8Array>; settings?: Record<string, unknown> } = {}) {
  const rules = new Map<number, DnrRule>();
  let installed: InstalledRules = { assets: {} };
  const bytes = assetBytes(async (mh) => (init.bytes ?? { jq: JQ_BYTES })[mh]);
  let settings: Settings = mergeSettings({ user: init.settings ?? {} }).values;
  const safe = [...(init.safe ?? [])].sort();
  return {
    /** Plans for `assets` and applies the update, as the engine does. */
    async plan(assets: CachedAsset[], over: Partial<PlanInput> = {}): Promise<Plan> {
      const plan = await planSessionRules(
        {
          assets,
          settings,
          now: NOW,
          installed,
          gateHosts: (_: readonly CspDestination[]): GateHosts => ({ safe, unsafeSubdomains: [] }),
          mayActFor: (host) => !(init.blocked ?? []).includes(host),
          ...over,
        },
        bytes,
      );
      for (const id of plan.update.removeRuleIds) rules.delete(id);
      for (const rule of plan.update.addRules) {
        expect(rules.has(rule.id), `rule id ${rule.id} added twice`).toBe(false);
        rules.set(rule.id, rule);
      }
      installed = plan.installed;
      return plan;
    },
    set(values: Record<string, unknown>) {
      settings = mergeSettings({ user: { ...init.settings, ...values } }).values;
    },
    /** What a page of `site` gets for a GET of `url` as `type`: the network, or a data: URL's bytes. */
    load(url: string, site: string, type: DnrResourceType = 'script'): 'network' | string {
      const matching = [...rules.values()].filter((r) => matches(r, url, site, type));
      matching.sort((a, b) => b.priority - a.priority || (a.action.type === 'allow' ? -1 : 1));
      const top = matching[0];
      if (!top || top.action.type === 'allow' || !('url' in top.action.redirect)) return 'network';
      const dataUrl = top.action.redirect.url;
      return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64').toString();
    },
    rules,
  };
}

function matches(rule: DnrRule, url: string, site: string, type: DnrResourceType): boolean {
  const c = rule.condition;
  const under = (domains: readonly string[]): boolean => domains.some((d) => site === d || site.endsWith(`.${d}`));
  if (c.resourceTypes && !c.resourceTypes.includes(type)) return false;
  if (c.requestMethods && !c.requestMethods.includes('get')) return false;
  if (c.regexFilter !== undefined && !new RegExp(c.regexFilter).test(url)) return false;
  if (c.urlFilter !== undefined && c.urlFilter !== `|${url}|`) return false;
  if (c.initiatorDomains && !under(c.initiatorDomains)) return false;
  if (c.excludedInitiatorDomains && under(c.excludedInitiatorDomains)) return false;
  return true;
}

const JQ_TEXT = new TextDecoder().decode(JQ_BYTES);

describe('the Chromium plan', () => {
  it('answers a listed URL from the cache on a site known to admit data:, on every CDN that lists it', async () => {
    const b = browser({ safe: ['news.example'] });
    await b.plan([asset('jq', [listed(JQ_CDN), listed(JQ_UNPKG)])]);
    expect(b.load(JQ_CDN, 'news.example')).toBe(JQ_TEXT);
    expect(b.load(JQ_UNPKG, 'news.example')).toBe(JQ_TEXT);
    // Not a fetch()/XHR of it: one with credentials fails on the network, and DNR cannot tell.
    expect(b.load(JQ_CDN, 'news.example', 'xmlhttprequest')).toBe('network');
  });

  it('lets a site not known to admit data: (its CSP unseen or refusing it) reach the network', async () => {
    const b = browser({ safe: ['news.example'] });
    await b.plan([asset('jq', [listed(JQ_CDN)])]);
    expect(b.load(JQ_CDN, 'strict-csp.example')).toBe('network');
  });

  it('never answers a site PeerCache must not act on, even when its CSP admits data:', async () => {
    const b = browser({ safe: ['news.example', 'blocked.example'], blocked: ['blocked.example'] });
    const plan = await b.plan([asset('jq', [listed(JQ_CDN)])]);
    expect(b.load(JQ_CDN, 'blocked.example')).toBe('network');
    expect(b.load(JQ_CDN, 'news.example')).toBe(JQ_TEXT);
    expect(plan.safeHosts.script).toEqual(['news.example']);
  });

  it('keeps a site its own copy of a listed file: only the listed URL is answered', async () => {
    const b = browser({ safe: ['news.example'] });
    // The bank's URL serves the very bytes the list names, learned while visiting the bank.
    await b.plan([asset('jq', [listed(JQ_CDN), observed(JQ_BANK, { corsAnyOrigin: false })])]);
    expect(b.load(JQ_BANK, 'news.example')).toBe('network');
    expect(b.load(JQ_CDN, 'news.example')).toBe(JQ_TEXT);
  });

  it('answers a URL off the list once enough LAN members hold its binding, and not before', async () => {
    const b = browser({ safe: ['news.example'] });
    const own = 'https://static.example/app.js';
    await b.plan([asset('jq', [observed(own, { holders: 2 })])]);
    expect(b.load(own, 'news.example')).toBe('network');
    await b.plan([asset('jq', [observed(own, { holders: 3 })])]);
    expect(b.load(own, 'news.example')).toBe(JQ_TEXT);
  });

  it('leaves to the network a URL the network could refuse: no Access-Control-Allow-Origin: *, or a restrictive CORP', async () => {
    const b = browser({ safe: ['news.example'] });
    const noCors = 'https://static.example/a.js';
    const corp = 'https://static.example/b.js';
    await b.plan([asset('jq', [observed(noCors, { holders: 5, corsAnyOrigin: false }), observed(corp, { holders: 5, corp: 'same-site' })])]);
    expect(b.load(noCors, 'news.example')).toBe('network');
    expect(b.load(corp, 'news.example')).toBe('network');
  });

  it('answers a URL only as the type its own origin serves it', async () => {
    const b = browser({ safe: ['news.example'] });
    const asImage = 'https://img.example/logo.png';
    await b.plan([asset('jq', [listed(JQ_CDN), observed(asImage, { holders: 5, type: 'image/png' })])]);
    expect(b.load(asImage, 'news.example', 'script')).toBe('network');
    expect(b.load(JQ_CDN, 'news.example', 'image')).toBe('network');
  });

  it('does not answer with data: a style sheet whose relative url() would then break', async () => {
    const css = new TextEncoder().encode('.icon { background: url(../img/icon.png); }');
    const url = 'https://cdn.jsdelivr.net/npm/lib@1.0.0/css/lib.css';
    const b = browser({ safe: ['news.example'], bytes: { css } });
    await b.plan([asset('css', [listed(url, 'text/css')], css.length)]);
    expect(b.load(url, 'news.example', 'stylesheet')).toBe('network');
  });

  it('takes every rule back when PeerCache or its cache is switched off', async () => {
    const b = browser({ safe: ['news.example'] });
    await b.plan([asset('jq', [listed(JQ_CDN)])]);
    b.set({ cacheEnabled: false });
    const plan = await b.plan([asset('jq', [listed(JQ_CDN)])]);
    expect(b.load(JQ_CDN, 'news.example')).toBe('network');
    expect(plan.installed.assets).toEqual({});
  });

  it('rewrites nothing but the small gate rules when nothing changed', async () => {
    const b = browser({ safe: ['news.example'] });
    await b.plan([asset('jq', [listed(JQ_CDN)])]);
    const again = await b.plan([asset('jq', [listed(JQ_CDN)])]);
    expect(again.update.addRules.every((r) => r.action.type === 'allow')).toBe(true);
    expect(b.load(JQ_CDN, 'news.example')).toBe(JQ_TEXT);
  });

  it('answers a URL newly bound to cached bytes at the next plan', async () => {
    const b = browser({ safe: ['news.example'] });
    await b.plan([asset('jq', [listed(JQ_CDN)])]);
    expect(b.load(JQ_UNPKG, 'news.example')).toBe('network');
    await b.plan([asset('jq', [listed(JQ_CDN), listed(JQ_UNPKG)])]);
    expect(b.load(JQ_UNPKG, 'news.example')).toBe(JQ_TEXT);
    expect(b.load(JQ_CDN, 'news.example')).toBe(JQ_TEXT);
  });

  it('stops answering a URL whose binding became private or vanished', async () => {
    const b = browser({ safe: ['news.example'] });
    const own = 'https://static.example/app.js';
    await b.plan([asset('jq', [listed(JQ_CDN), observed(own, { holders: 3 })])]);
    expect(b.load(own, 'news.example')).toBe(JQ_TEXT);
    await b.plan([asset('jq', [listed(JQ_CDN), observed(own, { holders: 1 })])]);
    expect(b.load(own, 'news.example')).toBe('network');
    await b.plan([]);
    expect(b.load(JQ_CDN, 'news.example')).toBe('network');
  });

  it('asks to be woken when the earliest binding it answers goes stale', async () => {
    const b = browser({ safe: ['news.example'] });
    const own = 'https://static.example/app.js';
    const plan = await b.plan([asset('jq', [listed(JQ_CDN), observed(own, { holders: 3, freshUntil: NOW + 60_000 })])]);
    expect(plan.nextExpiry).toBe(NOW + 60_000);
    expect((await b.plan([asset('jq', [listed(JQ_CDN)])])).nextExpiry).toBe(Infinity);
  });

  it('answers URLs too many for one regex with further rules', async () => {
    const b = browser({ safe: ['news.example'] });
    const urls = ['https://a-long-cdn-host.example/libs/jquery/3.7.1/jquery.min.js', 'https://b-another-cdn.example/ajax/libs/jquery/3.7.1/jquery.min.js', JQ_CDN, JQ_UNPKG];
    await b.plan([asset('jq', urls.map((u) => listed(u)))]);
    for (const url of urls) expect(b.load(url, 'news.example')).toBe(JQ_TEXT);
    expect([...b.rules.values()].filter((r) => r.action.type === 'redirect').length).toBeGreaterThan(1);
  });
});
