import { describe, expect, it } from 'vitest';
import { findCssRelativeReference, isBaseIndependentCssUrl } from '../../../../src/core/serving/css-scan.ts';

describe('findCssRelativeReference: servable stylesheets', () => {
  it.each([
    ['no URLs', 'a{color:red}'],
    ['absolute https url()', 'a{background:url(https://cdn.example/x.png)}'],
    ['absolute http url(), quoted', 'a{background:url( "HTTP://cdn.example/x.png" )}'],
    ['data: url()', 'a{background:url(data:image/png;base64,AAAA)}'],
    ['data: url() in single quotes', "a{background:url('data:image/svg+xml;utf8,<svg></svg>')}"],
    ['fragment-only url()', 'a{filter:url(#blur)}'],
    ['absolute @import string', '@import "https://fonts.example/css";'],
    ['absolute @import url()', '@import url(https://fonts.example/css) screen;'],
    ['url() text inside a comment', '/* background: url(img.png) */ a{}'],
    ['url() text inside a string', 'a::before{content:"url(img.png)"}'],
    ['@import text inside a string', 'a::before{content:"@import \'x.css\'"}'],
    ['a string that is not a URL', 'a{font-family:"Foo Sans"}'],
    ['local() and format() strings', '@font-face{src:local("Foo"),url(https://x.example/f.woff2) format("woff2")}'],
    ['sourceMappingURL comment', 'a{}\n/*# sourceMappingURL=app.css.map */'],
    ['image-set with absolute strings', 'a{background:image-set("https://x.example/a.png" 1x, "https://x.example/b.png" 2x)}'],
    ['a function named like url', 'a{width:myurl(x)}'],
    // Found by test/fuzz/css-scan.test.ts against @csstools/css-tokenizer (issue 10, item 6):
    // a dimension's unit is no function, and U+0000 is U+FFFD, a name code point (§3.3).
    ['a dimension whose unit is url', 'a{width:1url(x);height:.5e3url(y)}'],
    ['url after a NUL, which makes it part of a longer name', 'a{width:b\u0000url(x)}'],
  ])('%s', (_label, css) => {
    expect(findCssRelativeReference(css)).toBeNull();
  });
});

describe('findCssRelativeReference: relative references', () => {
  it.each<[string, string, 'relative-url' | 'relative-import', string]>([
    ['relative url()', 'a{background:url(img/x.png)}', 'relative-url', 'img/x.png'],
    ['quoted relative url()', 'a{background:url( "../x.png" )}', 'relative-url', '../x.png'],
    ['uppercase URL(', 'a{background:URL(x.png)}', 'relative-url', 'x.png'],
    ['escaped function name', 'a{background:u\\72l(x.png)}', 'relative-url', 'x.png'],
    ['escaped url contents', 'a{background:url(\\2e\\2e/x.png)}', 'relative-url', '../x.png'],
    ['scheme-relative url()', 'a{background:url(//cdn.example/x.png)}', 'relative-url', '//cdn.example/x.png'],
    ['https: without slashes', 'a{background:url(https:x.png)}', 'relative-url', 'https:x.png'],
    ['root-relative url()', 'a{background:url(/x.png)}', 'relative-url', '/x.png'],
    ['empty url()', 'a{background:url()}', 'relative-url', ''],
    ['@font-face src url()', '@font-face{font-family:F;src:url(f.woff2) format("woff2")}', 'relative-url', 'f.woff2'],
    ['@import string', '@import "base.css";', 'relative-import', 'base.css'],
    ['@IMPORT url()', '@IMPORT url(base.css) screen;', 'relative-import', 'base.css'],
    ['escaped @import', "@\\69mport 'base.css';", 'relative-import', 'base.css'],
    ['image-set string', 'a{background:image-set("a.png" 1x)}', 'relative-url', 'a.png'],
    ['-webkit-image-set string', 'a{background:-webkit-image-set("a.png" 1x)}', 'relative-url', 'a.png'],
    ['src() string', 'a{background:src("a.png")}', 'relative-url', 'a.png'],
    ['after a comment with quotes', "/* it's */ a{background:url(x.png)}", 'relative-url', 'x.png'],
  ])('%s', (_label, css, kind, url) => {
    expect(findCssRelativeReference(css)).toMatchObject({ kind, url });
  });

  it('reports the offset of the reference', () => {
    const css = 'a{}\nb{background:url(x.png)}';
    const finding = findCssRelativeReference(css);
    expect(finding?.offset).toBe(css.indexOf('x.png'));
  });
});

describe('findCssRelativeReference: what it cannot read with confidence', () => {
  it.each([
    ['unterminated comment', 'a{} /* no end'],
    ['string cut by a newline', 'a{content:"abc\n"}'],
    ['string cut by EOF', 'a{content:"abc'],
    ['bad url token', 'a{background:url(x y.png)}'],
    ['url token cut by EOF', 'a{background:url(x.png'],
  ])('%s', (_label, css) => {
    expect(findCssRelativeReference(css)).toMatchObject({ kind: 'uncertain' });
  });

  it('accepts an escaped newline inside a string', () => {
    expect(findCssRelativeReference('a{content:"ab\\\ncd"}')).toBeNull();
  });
});

describe('isBaseIndependentCssUrl', () => {
  it.each<[string, boolean]>([
    ['https://a.example/x', true],
    ['  https://a.example/x\t', true],
    ['ht\ntps://a.example/x', true], // the URL parser drops tab and newline
    ['data:,x', true],
    ['#frag', true],
    ['x', false],
    ['', false],
    ['blob:https://a.example/uuid', false],
    ['https:/a.example', false],
  ])('%j -> %s', (url, expected) => {
    expect(isBaseIndependentCssUrl(url)).toBe(expected);
  });
});
