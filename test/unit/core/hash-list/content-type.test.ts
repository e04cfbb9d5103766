import { describe, expect, it } from 'vitest';
import { contentTypeForPath } from '../../../../src/core/hash-list/index.ts';

describe('contentTypeForPath', () => {
  it.each([
    ['https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js', 'text/javascript; charset=utf-8'],
    ['/bootstrap@5.3.3/dist/css/bootstrap.min.css', 'text/css; charset=utf-8'],
    ['/x/fa-solid-900.WOFF2', 'font/woff2'],
    ['/x/a.png#frag', 'image/png'],
  ])('%s is %s', (path, type) => expect(contentTypeForPath(path)).toBe(type));
  it.each(['/x/readme.md', '/x/noext', '/x/icon.svg'])('%s has none', (path) => expect(contentTypeForPath(path)).toBeUndefined());
});
