// The stylesheet scan that decides whether CSS may be served as `data:` (src/core/serving/
// css-scan.ts) against @csstools/css-tokenizer, a complete CSS Syntax 3 tokenizer, and the
// WHATWG URL parser. A relative URL the scan misses breaks the page's images, fonts or
// imports once the sheet is served from a `data:` URL, so that direction must never fail.
import { tokenize } from '@csstools/css-tokenizer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findCssRelativeReference } from '../../src/core/serving/css-scan.ts';
import { checkProperty } from './support/runs.ts';

// Functions whose string arguments CSS fetches as URLs (CSS Values 4, CSS Images 4).
const URL_FUNCTIONS = new Set(['url', 'src', 'image', 'image-set', '-webkit-image-set']);

interface Reference {
  readonly url: string;
  readonly inImport: boolean;
}

/** What the reference tokenizer sees: every URL CSS would fetch, and whether anything was malformed. */
function referenceScan(css: string): { refs: Reference[]; malformed: boolean } {
  let malformed = false;
  const tokens = tokenize({ css }, { onParseError: () => (malformed = true) });
  const refs: Reference[] = [];
  const functions: string[] = [];
  let inImport = false;
  for (const [type, , , , data] of tokens) {
    const value = (data as { value?: unknown } | undefined)?.value;
    switch (type) {
      case 'function-token':
        functions.push(String(value).toLowerCase());
        break;
      case '(-token':
        functions.push('');
        break;
      case ')-token':
        functions.pop();
        break;
      case '{-token':
      case '}-token':
      case 'semicolon-token':
        functions.length = 0;
        inImport = false;
        break;
      case 'at-keyword-token':
        if (String(value).toLowerCase() === 'import') inImport = true;
        break;
      case 'url-token':
        refs.push({ url: String(value), inImport });
        break;
      case 'string-token':
        if (inImport || URL_FUNCTIONS.has(functions.at(-1) ?? '')) refs.push({ url: String(value), inImport });
        break;
      case 'bad-url-token':
      case 'bad-string-token':
        malformed = true;
        break;
    }
  }
  return { refs, malformed };
}

/**
 * By the WHATWG URL parser: does `url` mean the same from a `data:` stylesheet as from the
 * origin's? Fragment-only URLs name the document either way (CSS Values 4 §4.5.1); any other
 * must be absolute, resolving to one URL whatever the (https) base.
 */
function baseIndependent(url: string): boolean {
  // The URL parser strips leading C0 controls and spaces before it reads a fragment.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/^[\s\u0000-\u001f]*#/.test(url)) return true;
  try {
    const a = new URL(url, 'https://origin.example/css/site.css').href;
    const b = new URL(url, 'https://elsewhere.example/x/y/').href;
    return a === b && a === new URL(url).href;
  } catch {
    return false;
  }
}

// CSS made of the pieces the scan must tell apart, so url(), strings, comments, escapes and
// at-rules meet in every order; plus arbitrary text.
const piece = fc.constantFrom(
  'url(', 'URL(', 'u\\72l(', 'src(', 'image-set(', '-webkit-image-set(', 'image(', 'format(', 'attr(', 'var(--x,', '(', ')', '"', "'", '\\', '\\\n',
  '/*', '*/', '@import ', '@IMPORT', '@font-face', '@media ', 'supports(', '{', '}', ';', ' ', '\n', '\t', ':', ',', 'a', 'b.png', 'img/x.png', './x',
  '../y.css', '//cdn.example/z', 'https://cdn.example/a.png', 'HTTPS://cdn.example/b', 'https:rel.png', 'data:image/png;base64,AA', '#frag', ' #f', 'x#y',
  '\\75 ', '\\000075', '\\"', "\\'", '\u00e9', '\u0000', '\u007f', 'background:', 'content:', 'mask:', '1', '2x', '.5', '-1e', '+', '-', 'e3', '%',
);

// Well-formed sheets, so that both verdicts are common: URLs relative, absolute, fragment,
// data:, escaped or spaced, in url(), strings, image-set() and @import, among comments.
const target = fc.constantFrom(
  'a.png', './b.woff2', '../c.css', '/d.svg', '//cdn.example/e.png', 'https://cdn.example/f.png', 'HTTP://cdn.example/g', 'https:h.png', '#i',
  'data:image/gif;base64,R0lGOD', 'about:blank', 'x y.png', '', '\\2e/j.png', 'h\\74tps://cdn.example/k.png', '%2e/l.png', ' https://cdn.example/m ',
);
const ws = fc.constantFrom('', ' ', '\n', '\t', '/* c */');
const quoted = (q: string) => target.map((t) => `${q}${t.replaceAll(q, `\\${q}`)}${q}`);
const value = fc.oneof(
  fc.tuple(fc.constantFrom('url(', 'URL(', 'u\\72l('), ws, target.filter((t) => !/[\s"'()]/.test(t)), ws).map(([f, a, t, b]) => `${f}${a === '/* c */' ? '' : a}${t}${b === '/* c */' ? '' : b})`),
  fc.tuple(fc.constantFrom('url(', 'src(', 'image('), ws, fc.oneof(quoted('"'), quoted("'")), ws).map(([f, a, t, b]) => `${f}${a}${t}${b})`),
  fc.tuple(fc.constantFrom('image-set(', '-webkit-image-set('), quoted('"'), quoted("'")).map(([f, a, b]) => `${f}${a} 1x, ${b} 2x)`),
  quoted('"'),
  fc.constantFrom('red', '1px solid', 'attr(data-x)', 'var(--a, 2em)', 'format("woff2")', '10url(x)', '.5e3url(y)', 'calc(1px + 2%)'),
);
const declaration = fc.tuple(fc.constantFrom('background', 'content', 'src', 'mask-image', '--custom'), ws, fc.array(value, { minLength: 1, maxLength: 3 })).map(([p, w, v]) => `${p}:${w}${v.join(' ')}`);
const rule = fc.oneof(
  fc.tuple(fc.constantFrom('a', '.b', '@font-face', '@media print{x'), fc.array(declaration, { maxLength: 3 })).map(([sel, d]) => `${sel}{${d.join(';')}}${sel.includes('{') ? '}' : ''}`),
  fc.tuple(fc.constantFrom('@import ', '@import url(', '@IMPORT '), fc.oneof(quoted('"'), target.filter((t) => t !== '' && !/[\s"'()]/.test(t))), fc.constantFrom(';', ' supports(display:grid);', ' screen;')).map(
    ([at, t, end]) => `${at}${at.endsWith('(') && !/^["']/.test(t) ? `${t})` : at.endsWith('(') ? `${t})` : t}${end}`,
  ),
  fc.constantFrom('/* url(hidden.png) */', '@charset "utf-8";', '<!--', '-->'),
);
const sheet = fc.array(rule, { maxLength: 5 }).map((r) => r.join('\n'));
const css = fc.oneof(sheet, sheet, fc.array(piece, { maxLength: 40 }).map((p) => p.join('')), fc.string({ maxLength: 80 }), fc.string({ maxLength: 40, unit: 'binary' }));

describe('CSS relative-URL scan', () => {
  it('never misses a URL the reference tokenizer sees that resolves differently from data:', () =>
    checkProperty(
      fc.property(css, (text) => {
        const finding = findCssRelativeReference(text);
        const { refs } = referenceScan(text);
        const dependent = refs.find((r) => !baseIndependent(r.url));
        if (dependent !== undefined) expect(finding, `missed ${JSON.stringify(dependent)}`).not.toBeNull();
      }),
    ));

  it('reports only URLs the reference tokenizer sees, and is uncertain only about malformed CSS', () =>
    checkProperty(
      fc.property(css, (text) => {
        const finding = findCssRelativeReference(text);
        if (finding === null) return;
        expect(finding.offset).toBeGreaterThanOrEqual(0);
        expect(finding.offset).toBeLessThanOrEqual(text.length);
        const { refs, malformed } = referenceScan(text);
        if (finding.kind === 'uncertain') {
          expect(malformed, `uncertain (${finding.why}) about well-formed CSS`).toBe(true);
          return;
        }
        // The reference reads `url(\0)` as a bad url where §3.3 makes it url(\ufffd), which we
        // report: both refuse the sheet, so a malformed read excuses a different value.
        if (!malformed) expect(refs.map((r) => r.url)).toContain(finding.url);
        expect(baseIndependent(finding.url) && !/^[a-z][a-z0-9+.-]*:/i.test(finding.url.trim())).toBe(false);
      }),
    ));
});
