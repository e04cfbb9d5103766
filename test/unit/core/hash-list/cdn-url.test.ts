import { describe, expect, it } from 'vitest';
import { cdnUrls, formatCdnUrl, parseCdnUrl } from '../../../../src/core/hash-list/index.ts';

describe('parseCdnUrl', () => {
  it.each([
    [
      'https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js',
      { cdn: 'jsdelivr', packageName: 'jquery', version: '3.7.1', path: 'dist/jquery.min.js' },
    ],
    [
      'https://unpkg.com/jquery@3.7.1/dist/jquery.min.js',
      { cdn: 'unpkg', packageName: 'jquery', version: '3.7.1', path: 'dist/jquery.min.js' },
    ],
    [
      'https://unpkg.com/@popperjs/core@2.11.8/dist/umd/popper.min.js',
      { cdn: 'unpkg', packageName: '@popperjs/core', version: '2.11.8', path: 'dist/umd/popper.min.js' },
    ],
    [
      'https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.7.2/webfonts/fa-solid-900.woff2',
      { cdn: 'jsdelivr', packageName: '@fortawesome/fontawesome-free', version: '6.7.2', path: 'webfonts/fa-solid-900.woff2' },
    ],
    [
      'https://unpkg.com/htmx.org@2.0.0-beta.4/dist/htmx.min.js',
      { cdn: 'unpkg', packageName: 'htmx.org', version: '2.0.0-beta.4', path: 'dist/htmx.min.js' },
    ],
  ])('reads %s', (url, expected) => {
    expect(parseCdnUrl(url)).toEqual(expected);
  });

  it('percent-decodes file path segments', () => {
    expect(parseCdnUrl('https://unpkg.com/lib@1.0.0/fonts/icon%20font.woff2')?.path).toBe('fonts/icon font.woff2');
    expect(parseCdnUrl('https://unpkg.com/lib@1.0.0/dist/lib%2Emin.js')?.path).toBe('dist/lib.min.js');
    expect(parseCdnUrl('https://unpkg.com/lib@1.0.0/caf%C3%A9.css')?.path).toBe('café.css');
  });

  it('matches the scheme and host case-insensitively, the path exactly', () => {
    expect(parseCdnUrl('HTTPS://UNPKG.COM/jquery@3.7.1/dist/jquery.js')?.path).toBe('dist/jquery.js');
    expect(parseCdnUrl('https://cdn.jsdelivr.net/NPM/jquery@3.7.1/dist/jquery.js')).toBeUndefined();
  });

  it('ignores the fragment, which never reaches the server', () => {
    expect(parseCdnUrl('https://unpkg.com/jquery@3.7.1/dist/jquery.js#top')?.path).toBe('dist/jquery.js');
  });

  it.each([
    ['plain http', 'http://unpkg.com/jquery@3.7.1/dist/jquery.js'],
    ['another host', 'https://code.jquery.com/jquery@3.7.1/dist/jquery.js'],
    ['a look-alike host', 'https://unpkg.com.evil.example/jquery@3.7.1/dist/jquery.js'],
    ['a subdomain', 'https://www.unpkg.com/jquery@3.7.1/dist/jquery.js'],
    ['an explicit port', 'https://unpkg.com:443/jquery@3.7.1/dist/jquery.js'],
    ['user info', 'https://user@unpkg.com/jquery@3.7.1/dist/jquery.js'],
    ['a jsDelivr path outside /npm/', 'https://cdn.jsdelivr.net/gh/jquery/jquery@3.7.1/dist/jquery.js'],
    ['a major-only range', 'https://unpkg.com/jquery@3/dist/jquery.js'],
    ['a minor range', 'https://unpkg.com/jquery@3.7/dist/jquery.js'],
    ['a caret range', 'https://unpkg.com/jquery@^3.7.1/dist/jquery.js'],
    ['a tilde range', 'https://unpkg.com/jquery@~3.7.1/dist/jquery.js'],
    ['the latest tag', 'https://cdn.jsdelivr.net/npm/jquery@latest/dist/jquery.js'],
    ['a v-prefixed version', 'https://unpkg.com/jquery@v3.7.1/dist/jquery.js'],
    ['a leading zero', 'https://unpkg.com/jquery@03.7.1/dist/jquery.js'],
    ['build metadata', 'https://unpkg.com/jquery@3.7.1+build/dist/jquery.js'],
    ['no version', 'https://unpkg.com/jquery/dist/jquery.js'],
    ['a scoped package without version', 'https://unpkg.com/@popperjs/core/dist/umd/popper.js'],
    ['a scope without package', 'https://unpkg.com/@popperjs@2.11.8/popper.js'],
    ['no file path', 'https://unpkg.com/jquery@3.7.1'],
    ['a directory', 'https://unpkg.com/jquery@3.7.1/dist/'],
    ['a query', 'https://unpkg.com/jquery@3.7.1/dist/jquery.js?module'],
    ['an empty query', 'https://unpkg.com/jquery@3.7.1/dist/jquery.js?'],
    ['a dot-dot segment', 'https://unpkg.com/jquery@3.7.1/dist/../dist/jquery.js'],
    ['an encoded dot-dot segment', 'https://unpkg.com/jquery@3.7.1/dist/%2e%2e/dist/jquery.js'],
    ['a dot segment', 'https://unpkg.com/jquery@3.7.1/./dist/jquery.js'],
    ['an empty segment', 'https://unpkg.com/jquery@3.7.1/dist//jquery.js'],
    ['an encoded slash', 'https://unpkg.com/jquery@3.7.1/dist%2Fjquery.js'],
    ['a backslash', 'https://unpkg.com/jquery@3.7.1/dist\\jquery.js'],
    ['an encoded backslash', 'https://unpkg.com/jquery@3.7.1/dist%5Cjquery.js'],
    ['a malformed escape', 'https://unpkg.com/jquery@3.7.1/dist/jquery%zz.js'],
    ['an encoded NUL', 'https://unpkg.com/jquery@3.7.1/dist/jquery.js%00.png'],
    ['raw whitespace', 'https://unpkg.com/jquery@3.7.1/dist/jquery .js'],
    ['raw non-ASCII', 'https://unpkg.com/lib@1.0.0/café.css'],
    ['an encoded @ before the version', 'https://unpkg.com/jquery%403.7.1/dist/jquery.js'],
    ['an encoded scope', 'https://unpkg.com/%40popperjs/core@2.11.8/dist/umd/popper.js'],
    ['an upper-case package name', 'https://unpkg.com/jQuery@3.7.1/dist/jquery.js'],
    ['not a URL', 'jquery@3.7.1/dist/jquery.js'],
    ['the empty string', ''],
  ])('refuses %s', (_label, url) => {
    expect(parseCdnUrl(url)).toBeUndefined();
  });
});

describe('formatCdnUrl and cdnUrls', () => {
  it('gives the URL on both CDNs', () => {
    expect(cdnUrls('@popperjs/core', '2.11.8', 'dist/umd/popper.min.js')).toEqual([
      'https://cdn.jsdelivr.net/npm/@popperjs/core@2.11.8/dist/umd/popper.min.js',
      'https://unpkg.com/@popperjs/core@2.11.8/dist/umd/popper.min.js',
    ]);
  });

  it('escapes what a browser escapes in a path and nothing more, so the URL parses back', () => {
    const path = 'a b/c#d?e%f/g@h+i,j=k;l:m$n&o/é[x].js';
    const url = formatCdnUrl('unpkg', 'lib', '1.0.0', path);
    expect(url).toBe('https://unpkg.com/lib@1.0.0/a%20b/c%23d%3Fe%25f/g@h+i,j=k;l:m$n&o/%C3%A9%5Bx%5D.js');
    expect(parseCdnUrl(url)?.path).toBe(path);
  });
});
