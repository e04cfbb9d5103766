import { describe, expect, it } from 'vitest';
import type { PackagedFile } from '../../../../../src/core/hash-list/index.ts';
import { GATE_PRIORITY } from '../../../../../src/extension/serving/dnr/rules.ts';
import { PACKAGED_PRIORITY, buildPackagedRules } from '../../../../../src/extension/serving/dnr/packaged-rules.ts';

const file = (extensionPath: string, urls: string[]): PackagedFile => ({ extensionPath, key: `k-${extensionPath}`, urls });

describe('packaged-set rules', () => {
  it('redirects every URL of a packaged file, exactly and case-sensitively, to its path in the extension', () => {
    const { rules, skipped } = buildPackagedRules([
      file('pkg/jquery@3.7.1/dist/jquery.min.js', ['https://code.jquery.com/jquery-3.7.1.min.js', 'https://unpkg.com/jquery@3.7.1/dist/jquery.min.js']),
      file('pkg/font-awesome@4.7.0/css/font-awesome.min.css', ['https://cdnjs.cloudflare.com/ajax/libs/font-awesome/4.7.0/css/font-awesome.min.css']),
      file('pkg/font-awesome@4.7.0/fonts/fontawesome-webfont.woff2', []),
    ]);
    expect(skipped).toEqual([]);
    expect(rules.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(rules[0]).toEqual({
      id: 1,
      priority: PACKAGED_PRIORITY,
      action: { type: 'redirect', redirect: { extensionPath: '/pkg/jquery@3.7.1/dist/jquery.min.js' } },
      condition: { urlFilter: '|https://code.jquery.com/jquery-3.7.1.min.js|', isUrlFilterCaseSensitive: true, resourceTypes: ['script'], requestMethods: ['get'] },
    });
    expect(rules[2]!.condition.resourceTypes).toEqual(['stylesheet']);
    // Above the data: gate, so a page's CSP about data: does not hold a packaged answer back.
    expect(PACKAGED_PRIORITY).toBeGreaterThan(GATE_PRIORITY);
  });

  it('never answers fetch()/XHR (a credentialed CORS read fails on the network, DNR cannot tell)', () => {
    const { rules } = buildPackagedRules([file('pkg/a@1.0.0/a.js', ['https://cdn.jsdelivr.net/npm/a@1.0.0/a.js'])]);
    expect(rules.flatMap((r) => r.condition.resourceTypes)).not.toContain('xmlhttprequest');
  });

  it('gives a URL shared by two packaged files one rule, and skips URLs urlFilter cannot spell', () => {
    const { rules, skipped } = buildPackagedRules([
      file('pkg/a@1.0.0/a.js', ['https://cdn.test/a.js']),
      file('pkg/a@1.0.1/a.js', ['https://cdn.test/a.js', 'https://cdn.test/a^b.js', 'https://cdn.test/a b@c.js']),
    ]);
    expect(rules.map((r) => r.condition.urlFilter)).toEqual(['|https://cdn.test/a.js|']);
    expect(skipped).toEqual(['https://cdn.test/a^b.js', 'https://cdn.test/a b@c.js']);
  });
});
