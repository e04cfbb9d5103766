import { describe, expect, it } from 'vitest';
import { classifyContentType, mimeEssence } from '../../../../src/core/admission/asset-type.ts';

describe('classifyContentType', () => {
  it.each([
    ['text/javascript', 'script'],
    ['text/javascript; charset=utf-8', 'script'],
    ['Application/JavaScript', 'script'],
    ['application/x-javascript', 'script'],
    ['application/ecmascript', 'script'],
    ['text/jscript', 'script'],
    ['text/javascript1.5', 'script'],
    ['text/css', 'style'],
    ['text/css;charset=UTF-8', 'style'],
    ['font/woff2', 'font'],
    ['font/woff', 'font'],
    ['font/ttf', 'font'],
    ['font/otf', 'font'],
    ['application/font-woff', 'font'],
    ['application/x-font-ttf', 'font'],
    ['application/vnd.ms-fontobject', 'font'],
    ['image/png', 'image'],
    ['image/webp', 'image'],
    ['image/avif', 'image'],
    ['image/x-icon', 'image'],
    ['application/wasm', 'wasm'],
    ['text/css, text/css', 'style'],
  ] as const)('%j -> %s', (contentType, expected) => {
    expect(classifyContentType(contentType)).toBe(expected);
  });

  it.each([
    ['undefined', undefined],
    ['empty', ''],
    ['HTML', 'text/html; charset=utf-8'],
    ['JSON', 'application/json'],
    ['JSON with a JS-looking suffix', 'application/javascript+json'],
    ['plain text', 'text/plain'],
    ['octet-stream (often fonts, but could be anything)', 'application/octet-stream'],
    ['SVG (runs script when opened as a document)', 'image/svg+xml'],
    ['XML', 'application/xml'],
    ['a bare type', 'text'],
    ['a wildcard', '*/*'],
    ['a type with spaces inside', 'text/ javascript'],
    ['conflicting combined types', 'text/css, text/html'],
    ['text/javascript2 (not in the MIME Sniffing list)', 'text/javascript2'],
    ['text/ecmascript-6', 'text/ecmascript-6'],
  ])('refuses %s', (_label, contentType) => {
    expect(classifyContentType(contentType)).toBeNull();
  });
});

describe('mimeEssence', () => {
  it.each([
    [' Text/CSS ; charset=utf-8', 'text/css'],
    ['font/woff2', 'font/woff2'],
    ['text', null],
    ['/css', null],
    ['text/', null],
    ['text/css/extra', null],
  ])('%j -> %j', (value, expected) => {
    expect(mimeEssence(value)).toBe(expected);
  });
});
