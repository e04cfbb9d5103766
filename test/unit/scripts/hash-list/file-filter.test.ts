import { describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES, createFileFilter, globToRegExp } from '../../../../scripts/hash-list/file-filter.ts';

describe('createFileFilter', () => {
  const filter = createFileFilter({});

  const servable = ['dist/a.js', 'a.mjs', 'a.cjs', 'css/a.css', 'f.woff', 'f.woff2', 'f.ttf', 'f.otf', 'f.eot'];
  const images = ['i.png', 'i.JPG', 'i.jpeg', 'i.gif', 'i.webp', 'i.avif', 'favicon.ico', 'm.wasm'];
  it.each([...servable, ...images])('lists %s', (path) => {
    expect(filter(path, 10)).toBeUndefined();
  });

  const other = ['icon.svg', 'a.min.js.map', 'index.d.ts', 'src/a.ts', 'package.json', 'README.md', 'LICENSE', '.js', 'a.html'];
  it.each(other)('leaves out %s by type', (path) => {
    expect(filter(path, 10)).toBe('type');
  });

  it('leaves out empty and oversized files, and paths no URL could name', () => {
    expect(filter('a.js', 0)).toBe('empty');
    expect(filter('a.js', MAX_FILE_BYTES)).toBeUndefined();
    expect(filter('a.js', MAX_FILE_BYTES + 1)).toBe('too-large');
    expect(filter('../a.js', 1)).toBe('unsafe-path');
    expect(filter('a\\b.js', 1)).toBe('unsafe-path');
  });

  it('applies include and exclude globs, exclude first', () => {
    const narrowed = createFileFilter({ include: ['dist/**', '*.min.js'], exclude: ['**/test/**'] });
    expect(narrowed('dist/js/a.js', 1)).toBeUndefined();
    expect(narrowed('lodash.min.js', 1)).toBeUndefined();
    expect(narrowed('fp/map.js', 1)).toBe('not-included');
    expect(narrowed('dist/test/a.js', 1)).toBe('excluded');
    expect(narrowed('test/a.js', 1)).toBe('excluded');
  });
});

describe('globToRegExp', () => {
  it.each([
    ['*.js', 'a.js', true],
    ['*.js', 'dist/a.js', false],
    ['**/*.js', 'a.js', true],
    ['**/*.js', 'dist/x/a.js', true],
    ['dist/**', 'dist/a/b.css', true],
    ['dist/**', 'distx/a.css', false],
    ['a?.js', 'ab.js', true],
    ['a?.js', 'a/.js', false],
    ['a.js', 'aXjs', false],
    ['(x)+.js', '(x)+.js', true],
  ])('%s against %s is %s', (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected);
  });
});
