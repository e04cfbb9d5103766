import { describe, expect, it } from 'vitest';
import { createHeaderLookup } from '../../../../src/core/admission/headers.ts';
import { checkVary } from '../../../../src/core/admission/vary.ts';

describe('checkVary', () => {
  it.each<[string, [string, string][], ReturnType<typeof checkVary>]>([
    ['no Vary', [], { ok: true, varyOnOrigin: false }],
    ['Accept-Encoding', [['vary', 'Accept-Encoding']], { ok: true, varyOnOrigin: false }],
    ['Origin, any case, over two lines', [['vary', 'accept-encoding'], ['Vary', 'ORIGIN']], { ok: true, varyOnOrigin: true }],
    ['an empty Vary', [['vary', ' , ']], { ok: true, varyOnOrigin: false }],
    ['*', [['vary', '*']], { ok: false }],
    ['User-Agent', [['vary', 'Accept-Encoding, User-Agent']], { ok: false }],
    ['Cookie', [['vary', 'Cookie']], { ok: false }],
    ['Accept (content negotiation, e.g. WebP vs AVIF)', [['vary', 'Accept']], { ok: false }],
  ])('%s', (_label, headers, expected) => {
    expect(checkVary(createHeaderLookup(headers))).toEqual(expected);
  });
});
