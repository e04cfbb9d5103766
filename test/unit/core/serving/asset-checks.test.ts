import { describe, expect, it } from 'vitest';
import { checkDataUrlServable } from '../../../../src/core/serving/asset-checks.ts';
import { buildDataUrl, DATA_URL_MAX_BYTES, dataUrlLength } from '../../../../src/core/serving/data-url.ts';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('checkDataUrlServable', () => {
  it.each<[string, Uint8Array, string, string | null]>([
    ['a classic script', text('var a = 1;'), 'text/javascript; charset=utf-8', null],
    ['a module script', text('export default 1;'), 'text/javascript', 'js-module-syntax'],
    ['import.meta', text('f(import.meta.url)'), 'application/javascript', 'js-import-meta'],
    ['relative dynamic import', text('import("./a.js")'), 'application/javascript', 'js-dynamic-import'],
    ['an unterminated script', text('var a = "x'), 'application/javascript', 'js-uncertain'],
    ['a stylesheet without URLs', text('a{color:red}'), 'text/css', null],
    ['a stylesheet with a relative url()', text('a{background:url(x.png)}'), 'text/css', 'css-relative-url'],
    ['a stylesheet with a relative @import', text('@import "b.css";'), 'text/css', 'css-relative-import'],
    ['an unterminated stylesheet', text('a{} /*'), 'text/css', 'css-uncertain'],
    ['a font', new Uint8Array([0x77, 0x4f, 0x46, 0x32]), 'font/woff2', null],
    ['an image', new Uint8Array([0x89, 0x50]), 'image/png', null],
    ['wasm', new Uint8Array([0, 0x61, 0x73, 0x6d]), 'application/wasm', null],
    ['SVG (runs script as a document)', text('<svg/>'), 'image/svg+xml', 'unsupported-type'],
    ['HTML', text('<p>'), 'text/html', 'unsupported-type'],
    ['JSON', text('{}'), 'application/json', 'unsupported-type'],
    ['UTF-16 with BOM', new Uint8Array([0xff, 0xfe, 0x61, 0]), 'text/css', 'undecodable'],
    ['UTF-16 without BOM', new Uint8Array([0x61, 0, 0x7b, 0]), 'text/javascript', 'undecodable'],
    ['too large', new Uint8Array(DATA_URL_MAX_BYTES + 1), 'image/png', 'too-large'],
  ])('%s', (_label, bytes, type, reason) => {
    const verdict = checkDataUrlServable(bytes, type);
    if (reason === null) expect(verdict).toMatchObject({ servable: true });
    else expect(verdict).toMatchObject({ servable: false, reason });
  });

  it('scans past the UTF-8 BOM and non-ASCII text', () => {
    expect(checkDataUrlServable(text('\ufeffa::before{content:"é"}\nb{background:url(x.png)}'), 'text/css')).toMatchObject({
      reason: 'css-relative-url',
      detail: 'x.png',
    });
  });

  it('gives the media type to put in the URL', () => {
    expect(checkDataUrlServable(text('a{}'), 'text/css; charset=UTF-8; x=y')).toEqual({ servable: true, mediaType: 'text/css;charset=utf-8' });
  });

  it('accepts the largest payload and nothing above', () => {
    expect(checkDataUrlServable(new Uint8Array(DATA_URL_MAX_BYTES), 'image/png').servable).toBe(true);
  });
});

describe('the data: URL of a servable asset (as the engines build it)', () => {
  const dataUrlOf = (bytes: Uint8Array, type: string): string | null => {
    const verdict = checkDataUrlServable(bytes, type);
    return verdict.servable ? buildDataUrl(bytes, verdict.mediaType) : null;
  };

  it('is built from the verdict\'s media type', () => {
    expect(dataUrlOf(text('a{}'), 'text/css')).toBe('data:text/css;base64,YXt9');
    expect(dataUrlOf(text('a{background:url(x)}'), 'text/css')).toBeNull();
  });

  it('is as long as dataUrlLength says', () => {
    expect(dataUrlOf(new Uint8Array(1234), 'image/png')!.length).toBe(dataUrlLength(1234, 'image/png'));
  });
});
