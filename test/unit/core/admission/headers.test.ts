import { describe, expect, it } from 'vitest';
import { createHeaderLookup, splitList } from '../../../../src/core/admission/headers.ts';

describe('createHeaderLookup', () => {
  it.each([
    ['[name, value] pairs', [['Cache-Control', 'max-age=1'], ['cache-control', 'public'], ['X-A', 'b']]],
    ['webRequest {name, value} objects', [{ name: 'CACHE-CONTROL', value: 'max-age=1' }, { name: 'Cache-control', value: 'public' }, { name: 'x-a', value: 'b' }]],
    ['a record with an array value', { 'cache-control': ['max-age=1', 'public'], 'X-A': 'b' }],
    ['a fetch Headers object', new Headers([['Cache-Control', 'max-age=1'], ['cache-control', 'public'], ['X-A', 'b']])],
  ])('reads %s case-insensitively', (_label, input) => {
    const headers = createHeaderLookup(input as never);
    expect(headers.get('Cache-Control')).toBe('max-age=1, public');
    expect(headers.get('x-a')).toBe('b');
    expect(headers.has('X-a')).toBe(true);
    expect(headers.has('set-cookie')).toBe(false);
    expect(headers.get('set-cookie')).toBeUndefined();
  });

  it('keeps separate field lines for all()', () => {
    const headers = createHeaderLookup([['Age', '1'], ['age', '2']]);
    expect(headers.all('AGE')).toEqual(['1', '2']);
    expect(headers.all('date')).toEqual([]);
  });

  it('treats a missing input as no fields and skips undefined record values', () => {
    expect(createHeaderLookup(undefined).has('a')).toBe(false);
    expect(createHeaderLookup({ a: undefined }).has('a')).toBe(false);
  });

  it('treats a webRequest header that has only binaryValue as present with an empty value', () => {
    expect(createHeaderLookup([{ name: 'Set-Cookie' }]).has('set-cookie')).toBe(true);
  });
});

describe('splitList', () => {
  it.each([
    ['a, b ,c', ['a', 'b', 'c']],
    [' , a,, ,b, ', ['a', 'b']],
    ['private="a, b", max-age=5', ['private="a, b"', 'max-age=5']],
    ['x="a\\", b", y', ['x="a\\", b"', 'y']],
    // An unterminated quote hides no later element (found by test/fuzz/admission.test.ts).
    ['x="unterminated, y', ['x="unterminated', 'y']],
    ['a, x="b, c', ['a', 'x="b', 'c']],
    ['x="a, max-age="1, y', ['x="a', 'max-age="1', 'y']],
    ['x="a, b" , y', ['x="a, b"', 'y']],
    ['', []],
  ])('%j -> %j', (value, expected) => {
    expect(splitList(value)).toEqual(expected);
  });
});
