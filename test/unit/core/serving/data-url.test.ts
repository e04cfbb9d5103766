import { describe, expect, it } from 'vitest';
import {
  CHROMIUM_MAX_URL_CHARS,
  DATA_URL_MAX_BYTES,
  DATA_URL_MAX_LENGTH,
  buildDataUrl,
  dataUrlLength,
  dataUrlMediaType,
  fitsDataUrl,
} from '../../../../src/core/serving/data-url.ts';

describe('dataUrlMediaType', () => {
  it.each<[string, string | null]>([
    ['text/css', 'text/css'],
    ['Text/CSS; Charset="UTF-8"; foo=bar', 'text/css;charset=utf-8'],
    ['application/javascript; charset=ISO-8859-1', 'application/javascript;charset=iso-8859-1'],
    ['text/javascript, text/javascript; charset=utf-8', 'text/javascript;charset=utf-8'],
    ['font/woff2; charset=utf-8', 'font/woff2'], // binary: no charset
    ['image/png', 'image/png'],
    ['application/wasm', 'application/wasm'],
    ['text/css, text/plain', null],
    ['text/css; charset=utf-8, text/css; charset=latin1', null],
    ['text/css; charset="a b"', null],
    ['', null],
    ['nonsense', null],
  ])('%j -> %j', (contentType, expected) => {
    expect(dataUrlMediaType(contentType)).toBe(expected);
  });
});

describe('data: URL length and ceiling', () => {
  it.each([0, 1, 2, 3, 4, 1000])('dataUrlLength(%i) is the real length', (size) => {
    const url = buildDataUrl(new Uint8Array(size).fill(0xff), 'image/png');
    expect(url.length).toBe(dataUrlLength(size, 'image/png'));
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
  });

  it('keeps the largest payload under Chromium’s URL cap with margin', () => {
    const longest = dataUrlLength(DATA_URL_MAX_BYTES, 'application/javascript;charset=utf-8');
    expect(longest).toBeLessThanOrEqual(DATA_URL_MAX_LENGTH);
    expect(DATA_URL_MAX_LENGTH).toBeLessThan(CHROMIUM_MAX_URL_CHARS);
    // 1.5 MiB itself would not fit: base64 alone is exactly the cap.
    expect(dataUrlLength(1.5 * 1024 * 1024, 'font/woff2')).toBeGreaterThan(CHROMIUM_MAX_URL_CHARS);
  });

  it.each<[number, string, boolean]>([
    [DATA_URL_MAX_BYTES, 'text/css', true],
    [DATA_URL_MAX_BYTES + 1, 'text/css', false],
    [0, 'text/css', true],
    [-1, 'text/css', false],
    [1.5, 'text/css', false],
    [1000, 'x'.repeat(DATA_URL_MAX_LENGTH), false],
  ])('fitsDataUrl(%i, …) = %s', (size, type, expected) => {
    expect(fitsDataUrl(size, type)).toBe(expected);
  });

  it('encodes the bytes in standard base64', () => {
    expect(buildDataUrl(new TextEncoder().encode('a{}'), 'text/css')).toBe('data:text/css;base64,YXt9');
  });
});
