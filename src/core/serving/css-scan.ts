/**
 * Finds URLs in a stylesheet that would resolve differently from a `data:` copy. A
 * stylesheet's relative URLs resolve against the stylesheet's own URL (CSS Values 4 §4.5.1);
 * for a `data:` URL that base has an opaque path, so `url(img.png)` or `@import "a.css"`
 * fails (WHATWG URL: only a fragment-only input parses against such a base).
 *
 * A tolerant scanner after CSS Syntax 3 §4 (tokenization), not a parser: it skips comments,
 * decodes escapes, reads strings and `url(` tokens, and tracks which function a string sits
 * in. Tradeoffs, chosen so that a mistake costs a cache hit, never a broken page:
 * - false positives (reported though harmless): strings in any `@import` prelude (such as
 *   inside `supports(...)`), `url()` in `@namespace` (never fetched), an empty `url()`,
 *   absolute URLs with schemes other than http(s) and data;
 * - anything malformed (unterminated string, comment or `url(`, a bad url token) is
 *   reported as uncertain rather than guessed;
 * - false negatives: none known for URLs that CSS fetches through `url()`, `src()`,
 *   `image()`, `image-set()`, `-webkit-image-set()` and `@import`.
 */

/** What the scanner found first. */
export type CssFinding =
  | { readonly kind: 'relative-url' | 'relative-import'; readonly url: string; readonly offset: number }
  | { readonly kind: 'uncertain'; readonly why: string; readonly offset: number };

// Functions whose string arguments are URLs (CSS Values 4 url()/src(), CSS Images 4).
const URL_STRING_FUNCTIONS = new Set(['url', 'src', 'image', 'image-set', '-webkit-image-set']);

const isNewline = (c: string | undefined): boolean => c === '\n' || c === '\r' || c === '\f';
const isWhitespace = (c: string | undefined): boolean => c === ' ' || c === '\t' || isNewline(c);
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const isNameStart = (c: string | undefined): boolean => c !== undefined && (/^[a-zA-Z_]$/.test(c) || c.charCodeAt(0) >= 0x80);
const isName = (c: string | undefined): boolean => isNameStart(c) || (c !== undefined && /^[0-9-]$/.test(c));
// CSS Syntax 3 §4.2 "non-printable code point".
const isNonPrintable = (c: string): boolean => {
  const code = c.charCodeAt(0);
  return code <= 0x08 || code === 0x0b || (code >= 0x0e && code <= 0x1f) || code === 0x7f;
};
// CSS Syntax 3 §4.3.8 "check if two code points are a valid escape".
const isValidEscape = (s: string, i: number): boolean => s[i] === '\\' && i + 1 < s.length && !isNewline(s[i + 1]);

/** CSS Syntax 3 §4.3.9 "would start an identifier". */
function startsIdentifier(s: string, i: number): boolean {
  const c = s[i];
  if (c === '-') return isNameStart(s[i + 1]) || s[i + 1] === '-' || isValidEscape(s, i + 1);
  return isNameStart(c) || isValidEscape(s, i);
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** CSS Syntax 3 §4.3.10 "starts with a number". */
function startsNumber(s: string, i: number): boolean {
  const c = s[i];
  if (c === '+' || c === '-') return isDigit(s[i + 1]) || (s[i + 1] === '.' && isDigit(s[i + 2]));
  if (c === '.') return isDigit(s[i + 1]);
  return isDigit(c);
}

/** CSS Syntax 3 §4.3.12 "consume a number": index just past it. */
function consumeNumber(s: string, i: number): number {
  if (s[i] === '+' || s[i] === '-') i++;
  while (isDigit(s[i])) i++;
  if (s[i] === '.' && isDigit(s[i + 1])) for (i++; isDigit(s[i]); ) i++;
  const sign = s[i + 1] === '+' || s[i + 1] === '-' ? 1 : 0;
  if ((s[i] === 'e' || s[i] === 'E') && isDigit(s[i + 1 + sign])) for (i += 1 + sign; isDigit(s[i]); ) i++;
  return i;
}

/** CSS Syntax 3 §4.3.7 "consume an escaped code point"; `i` is just past the backslash. */
function consumeEscape(s: string, i: number): { char: string; end: number } {
  if (!isHex(s[i])) return { char: s[i] ?? '\ufffd', end: Math.min(i + 1, s.length) };
  let end = i;
  while (end < s.length && end - i < 6 && isHex(s[end])) end++;
  const code = parseInt(s.slice(i, end), 16);
  if (isWhitespace(s[end])) end += s[end] === '\r' && s[end + 1] === '\n' ? 2 : 1;
  const valid = code !== 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
  return { char: valid ? String.fromCodePoint(code) : '\ufffd', end };
}

function consumeName(s: string, i: number): { name: string; end: number } {
  let name = '';
  while (i < s.length) {
    if (isName(s[i])) name += s[i++];
    else if (isValidEscape(s, i)) {
      const e = consumeEscape(s, i + 1);
      name += e.char;
      i = e.end;
    } else break;
  }
  return { name, end: i };
}

/** A string token from the quote at `i`; null value for a bad string or one cut by EOF. */
function consumeString(s: string, i: number): { value: string | null; end: number } {
  const quote = s[i];
  let value = '';
  for (let j = i + 1; j < s.length; ) {
    const c = s[j]!;
    if (c === quote) return { value, end: j + 1 };
    if (isNewline(c)) return { value: null, end: j };
    if (c === '\\') {
      if (j + 1 >= s.length) return { value: null, end: j + 1 };
      if (isNewline(s[j + 1])) {
        j += s[j + 1] === '\r' && s[j + 2] === '\n' ? 3 : 2; // escaped newline: continuation
        continue;
      }
      const e = consumeEscape(s, j + 1);
      value += e.char;
      j = e.end;
      continue;
    }
    value += c;
    j++;
  }
  return { value: null, end: s.length };
}

/** CSS Syntax 3 §4.3.6 "consume a url token" from just past `url(`; null value for a bad url. */
function consumeUrl(s: string, i: number): { value: string | null; end: number } {
  while (isWhitespace(s[i])) i++;
  let value = '';
  while (i < s.length) {
    const c = s[i]!;
    if (c === ')') return { value, end: i + 1 };
    if (isWhitespace(c)) {
      while (isWhitespace(s[i])) i++;
      return s[i] === ')' ? { value, end: i + 1 } : { value: null, end: i };
    }
    if (c === '"' || c === "'" || c === '(' || isNonPrintable(c)) return { value: null, end: i };
    if (c === '\\') {
      if (!isValidEscape(s, i)) return { value: null, end: i };
      const e = consumeEscape(s, i + 1);
      value += e.char;
      i = e.end;
      continue;
    }
    value += c;
    i++;
  }
  return { value: null, end: s.length };
}

/**
 * Whether a URL found in CSS means the same from a `data:` stylesheet: `data:` and
 * `http(s)://` URLs are absolute, and a fragment-only URL refers to the document (CSS Values
 * 4 §4.5.1). Everything else, including scheme-relative `//host/x` and `https:x` (which
 * resolves relative to an https base but not to a data: one), is not.
 */
export function isBaseIndependentCssUrl(url: string): boolean {
  // WHATWG URL parsing strips leading/trailing C0 controls and spaces and drops tab/newline.
  let start = 0;
  let end = url.length;
  while (start < end && url.charCodeAt(start) <= 0x20) start++;
  while (end > start && url.charCodeAt(end - 1) <= 0x20) end--;
  const u = url.slice(start, end).replace(/[\t\n\r]/g, '');
  return u.startsWith('#') || /^data:/i.test(u) || /^https?:\/\//i.test(u);
}

/**
 * The first URL in `css` that a `data:` copy would resolve differently, or the first place
 * the scanner cannot read with confidence; null when there is neither.
 */
export function findCssRelativeReference(source: string): CssFinding | null {
  // CSS Syntax 3 §3.3 preprocessing: U+0000 becomes U+FFFD, a name code point, so `\0url(x)`
  // is one function named "\ufffdurl", not url(x). One code unit for one, so offsets hold.
  // (Found by test/fuzz/css-scan.test.ts against @csstools/css-tokenizer.)
  const css = source.replaceAll('\u0000', '\ufffd');
  const functions: string[] = [];
  let inImport = false;
  const check = (url: string, offset: number): CssFinding | null =>
    isBaseIndependentCssUrl(url) ? null : { kind: inImport ? 'relative-import' : 'relative-url', url, offset };

  for (let i = 0; i < css.length; ) {
    const c = css[i]!;
    if (c === '/' && css[i + 1] === '*') {
      const end = css.indexOf('*/', i + 2);
      if (end === -1) return { kind: 'uncertain', why: 'unterminated comment', offset: i };
      i = end + 2;
    } else if (c === '"' || c === "'") {
      const { value, end } = consumeString(css, i);
      if (value === null) return { kind: 'uncertain', why: 'bad string', offset: i };
      if (inImport || URL_STRING_FUNCTIONS.has(functions.at(-1) ?? '')) {
        const finding = check(value, i);
        if (finding) return finding;
      }
      i = end;
    } else if (c === '@' && startsIdentifier(css, i + 1)) {
      const { name, end } = consumeName(css, i + 1);
      if (name.toLowerCase() === 'import') inImport = true;
      i = end;
    } else if (startsNumber(css, i)) {
      // A number and its unit are one token (§4.3.3): `1url(x)` is a dimension and a paren.
      i = consumeNumber(css, i);
      if (startsIdentifier(css, i)) i = consumeName(css, i).end;
    } else if (startsIdentifier(css, i)) {
      const { name, end } = consumeName(css, i);
      i = end;
      if (css[i] !== '(') continue;
      const fn = name.toLowerCase();
      i++;
      let j = i;
      while (isWhitespace(css[j])) j++;
      if (fn === 'url' && css[j] !== '"' && css[j] !== "'") {
        const url = consumeUrl(css, i);
        if (url.value === null) return { kind: 'uncertain', why: 'bad url', offset: i };
        const finding = check(url.value, i);
        if (finding) return finding;
        i = url.end;
      } else {
        functions.push(fn);
      }
    } else if (c === '\\') {
      i += 2; // an escape that does not start an identifier (e.g. before a newline)
    } else {
      if (c === '(') functions.push('');
      else if (c === ')') functions.pop();
      else if (c === ';' || c === '{' || c === '}') {
        // An at-rule prelude and any function nesting end here, even after error recovery.
        inImport = false;
        functions.length = 0;
      }
      i++;
    }
  }
  return null;
}
