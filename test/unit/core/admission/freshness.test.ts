import { describe, expect, it } from 'vitest';
import { parseCacheControl, readResponseCacheControl } from '../../../../src/core/admission/cache-control.ts';
import { computeFreshness } from '../../../../src/core/admission/freshness.ts';
import { createHeaderLookup } from '../../../../src/core/admission/headers.ts';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const at = (offsetSeconds: number): string => new Date(NOW + offsetSeconds * 1000).toUTCString();
const HOUR = 3600;

function freshness(headers: [string, string][]) {
  const lookup = createHeaderLookup(headers);
  return computeFreshness(readResponseCacheControl(parseCacheControl(lookup.all('cache-control'))), lookup, NOW);
}

describe('computeFreshness', () => {
  it.each<[string, [string, string][], { lifetime: number; age: number } | 'none']>([
    ['no explicit freshness at all', [['date', at(0)]], 'none'],
    ['public alone (heuristic freshness is never used)', [['cache-control', 'public'], ['date', at(0)]], 'none'],
    ['Last-Modified alone (heuristic)', [['last-modified', at(-365 * 24 * HOUR)]], 'none'],
    ['max-age', [['cache-control', 'max-age=7200'], ['date', at(0)]], { lifetime: 7200, age: 0 }],
    ['max-age wins over a longer Expires (RFC 9111 §5.3)', [['cache-control', 'max-age=60'], ['expires', at(10 * HOUR)]], { lifetime: 60, age: 0 }],
    ['max-age wins over a past Expires', [['cache-control', 'max-age=7200'], ['expires', 'Thu, 01 Jan 1970 00:00:00 GMT']], { lifetime: 7200, age: 0 }],
    ['Expires - Date', [['expires', at(2 * HOUR)], ['date', at(-HOUR)]], { lifetime: 3 * HOUR, age: HOUR }],
    ['Expires - receipt time when Date is missing', [['expires', at(2 * HOUR)]], { lifetime: 2 * HOUR, age: 0 }],
    ['Expires - receipt time when Date is invalid', [['expires', at(2 * HOUR)], ['date', 'yesterday']], { lifetime: 2 * HOUR, age: 0 }],
    ['Expires: 0 (invalid means already expired)', [['expires', '0']], { lifetime: 0, age: 0 }],
    ['Expires in the past', [['expires', at(-60)], ['date', at(0)]], { lifetime: 0, age: 0 }],
    ['two different Expires lines', [['expires', at(HOUR)], ['expires', at(2 * HOUR)]], { lifetime: 0, age: 0 }],
    ['a garbled max-age is stale, not absent (Expires is not consulted)', [['cache-control', 'max-age=abc'], ['expires', at(10 * HOUR)]], { lifetime: 0, age: 0 }],
    ['conflicting max-age values', [['cache-control', 'max-age=7200, max-age=60']], { lifetime: 0, age: 0 }],
    ['a shorter s-maxage shortens max-age', [['cache-control', 'max-age=86400, s-maxage=600']], { lifetime: 600, age: 0 }],
    ['a longer s-maxage does not lengthen max-age', [['cache-control', 'max-age=600, s-maxage=86400']], { lifetime: 600, age: 0 }],
    // A browser's cache ignores s-maxage, so it alone is no lifetime (test/fuzz/admission.test.ts).
    ['s-maxage alone', [['cache-control', 'public, s-maxage=7200']], 'none'],
    ['s-maxage shortens Expires', [['cache-control', 's-maxage=60'], ['expires', at(HOUR)]], { lifetime: 60, age: 0 }],
    ['an invalid s-maxage', [['cache-control', 'max-age=7200, s-maxage=x']], { lifetime: 0, age: 0 }],
    ['Age from a CDN', [['cache-control', 'max-age=7200'], ['age', '3000'], ['date', at(0)]], { lifetime: 7200, age: 3000 }],
    ['apparent age when Date is older than Age says', [['cache-control', 'max-age=7200'], ['age', '10'], ['date', at(-100)]], { lifetime: 7200, age: 100 }],
    ['a Date in the future gives no negative age', [['cache-control', 'max-age=7200'], ['date', at(500)]], { lifetime: 7200, age: 0 }],
    ['an unparsable Age (stale: we cannot tell how old it is)', [['cache-control', 'max-age=7200'], ['age', 'old']], { lifetime: 0, age: 0 }],
    ['disagreeing Age lines', [['cache-control', 'max-age=7200'], ['age', '1'], ['age', '2']], { lifetime: 0, age: 0 }],
  ])('%s', (_label, headers, expected) => {
    const result = freshness(headers);
    if (expected === 'none') expect(result).toEqual({ kind: 'none' });
    else expect(result).toEqual({ kind: 'explicit', lifetimeMs: expected.lifetime * 1000, ageMs: expected.age * 1000 });
  });
});
