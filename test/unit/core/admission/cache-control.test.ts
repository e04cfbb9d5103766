import { describe, expect, it } from 'vitest';
import {
  DELTA_SECONDS_MAX,
  parseCacheControl,
  readDeltaSeconds,
  readResponseCacheControl,
} from '../../../../src/core/admission/cache-control.ts';

const read = (value: string | string[]) => readResponseCacheControl(parseCacheControl(value));

describe('parseCacheControl', () => {
  it('lowercases names and unquotes arguments', () => {
    const directives = parseCacheControl('Public, MAX-AGE=60, private="Set-Cookie, X-Foo", x-ext="a\\"b"');
    expect([...directives.keys()]).toEqual(['public', 'max-age', 'private', 'x-ext']);
    expect(directives.get('max-age')).toEqual([{ argument: '60', malformed: false }]);
    expect(directives.get('private')).toEqual([{ argument: 'Set-Cookie, X-Foo', malformed: false }]);
    expect(directives.get('x-ext')).toEqual([{ argument: 'a"b', malformed: false }]);
    expect(directives.get('public')).toEqual([{ argument: null, malformed: false }]);
  });

  it('merges several field lines and keeps duplicates in order', () => {
    const directives = parseCacheControl(['max-age=60', 'no-cache, max-age=120']);
    expect(directives.get('max-age')?.map((o) => o.argument)).toEqual(['60', '120']);
    expect(directives.has('no-cache')).toBe(true);
  });

  it('keeps the name of a malformed element and flags its argument', () => {
    const directives = parseCacheControl('private;x, max-age=60 s, no-store"');
    expect(directives.get('private')).toEqual([{ argument: null, malformed: true }]);
    expect(directives.get('max-age')?.[0]?.malformed).toBe(true);
    expect(directives.get('no-store')?.[0]?.malformed).toBe(true);
  });

  it('ignores elements without a readable name', () => {
    expect([...parseCacheControl('=5, "quoted", , ;;').keys()]).toEqual([]);
  });
});

describe('readDeltaSeconds', () => {
  it.each([
    ['max-age=60', 60],
    ['max-age="60"', 60], // "recipients ought to accept both forms" (RFC 9111 §5.2)
    ['max-age = 60', 60],
    ['max-age=0', 0],
    ['max-age=007', 7],
    ['public', 'absent'],
    ['max-age=abc', 'invalid'],
    ['max-age=-1', 'invalid'],
    ['max-age=1.5', 'invalid'],
    ['max-age=', 'invalid'],
    ['max-age', 'invalid'],
    ['max-age="60', 'invalid'],
    ['max-age="6"0', 'invalid'],
    ['max-age=60;', 'invalid'],
    ['max-age=60, max-age=60', 60],
    ['max-age=60, MAX-AGE=120', 'invalid'], // RFC 9111 §4.2.1: conflicting duplicates -> stale
    ['max-age=99999999999999999999', DELTA_SECONDS_MAX], // RFC 9111 §1.2.2: saturate at 2^31
  ] as const)('%s -> %s', (value, expected) => {
    expect(readDeltaSeconds(parseCacheControl(value), 'max-age')).toBe(expected);
  });
});

describe('readResponseCacheControl', () => {
  it('reads every flag admission relies on', () => {
    expect(read('public, max-age=31536000, immutable')).toEqual({
      noStore: false,
      noCache: false,
      private: false,
      public: true,
      mustRevalidate: false,
      proxyRevalidate: false,
      immutable: true,
      maxAge: 31536000,
      sMaxAge: 'absent',
    });
    expect(read('No-Store, must-revalidate, proxy-revalidate, s-maxage=10')).toMatchObject({
      noStore: true,
      mustRevalidate: true,
      proxyRevalidate: true,
      sMaxAge: 10,
    });
  });

  it('treats qualified private and no-cache as unqualified (RFC 9111 §5.2.2.4, §5.2.2.7)', () => {
    expect(read('private="set-cookie"').private).toBe(true);
    expect(read('no-cache="set-cookie"').noCache).toBe(true);
  });

  it('does not mistake directives that merely contain a restrictive name', () => {
    expect(read('x-private, no-store-ish, max-age=60')).toMatchObject({ private: false, noStore: false });
  });

  it('does not let a comma inside a quoted argument start a new directive', () => {
    expect(read('x-ext="no-store, private", max-age=60')).toMatchObject({ private: false, noStore: false, maxAge: 60 });
  });
});
