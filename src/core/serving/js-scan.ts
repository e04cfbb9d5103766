/**
 * Finds syntax that makes a script behave differently when loaded from a `data:` URL.
 * Module code resolves its imports against the module's URL (HTML "resolve a module
 * specifier"), and a classic script's dynamic `import()` resolves against the script's
 * URL too; against a `data:` base every relative specifier fails. `import.meta.url` would
 * expose the `data:` URL itself.
 *
 * A tolerant tokenizer (ECMA-262 §12 lexical grammar, reduced): it skips comments, strings,
 * template literals (with nested `${}`) and regular expression literals, telling `/` division
 * from a regex start by the previous token, with the usual stacks for `)` after
 * `if`/`for`/`while`/`with` and `}` closing a block versus an object literal. Tradeoffs,
 * chosen so that a mistake costs a cache hit, never a broken page:
 * - false positives (reported though harmless): a method or class member named `import`
 *   or `export` (`{ import() {} }`), `import(` with a computed or bare specifier, any
 *   `import` declaration even in a script that would fail to parse anyway;
 * - input the tokenizer cannot follow (unterminated string, regex, template or comment, an
 *   unbalanced `}`) is reported as uncertain rather than guessed;
 * - false negatives: a regex/division misreading that ends on a later `/` of the same line
 *   could hide code (the stacks make this rare; minified code is one line, so it is not
 *   impossible); `import("https://…")` is accepted although an import map scope keyed on
 *   the script's URL would no longer apply to it.
 */

/** What the scanner found first. */
export type JsFinding =
  | { readonly kind: 'import-declaration' | 'export-declaration' | 'import-meta' | 'dynamic-import'; readonly offset: number }
  | { readonly kind: 'uncertain'; readonly why: string; readonly offset: number };

// After these keywords an expression starts, so `/` begins a regex.
const EXPRESSION_KEYWORDS = new Set([
  'return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await',
]);
// `(` after these is a statement head; `/` after its `)` begins a regex: `if (x) /re/.test(y)`.
const CONTROL_KEYWORDS = new Set(['if', 'for', 'while', 'with']);
// `{` after these (or `;`, `{`, `}`, `=>`, a control `)`, the start) opens a block.
const BLOCK_KEYWORDS = new Set(['else', 'do', 'try', 'finally']);

const isLineTerminator = (c: string | undefined): boolean => c === '\n' || c === '\r' || c === '\u2028' || c === '\u2029';
const isSpace = (c: string | undefined): boolean => c !== undefined && /[\t\v\f \u00a0\ufeff\u1680\u2000-\u200a\u202f\u205f\u3000]/.test(c);
const isIdentChar = (c: string | undefined): boolean =>
  c !== undefined && (/[\w$\\]/.test(c) || (c.charCodeAt(0) >= 0x80 && !isSpace(c) && !isLineTerminator(c)));

/** Specifiers a data: script still resolves the same way: absolute http(s) URLs only. */
const isAbsoluteSpecifier = (s: string): boolean => /^https?:\/\//i.test(s) && !s.includes('\\');

type Brace = 'block' | 'object' | 'template';

/** The first module-only or base-URL-dependent construct in `source`, or null. */
export function findModuleSyntax(source: string): JsFinding | null {
  const s = source;
  const parens: boolean[] = []; // per open `(`: was it a control-statement head?
  const braces: Brace[] = [];
  let i = 0;
  let regexAllowed = true;
  let blockContext = true; // would a `{` here open a block?
  let afterDot = false; // previous token was `.` or `?.`: the next word is a property name
  let lastWord = '';

  const uncertain = (why: string, offset: number): JsFinding => ({ kind: 'uncertain', why, offset });

  /** Index of the next significant character from `j`, skipping space and comments; -1 on an unterminated comment. */
  const skipTrivia = (j: number): number => {
    for (;;) {
      while (isSpace(s[j]) || isLineTerminator(s[j])) j++;
      if (s[j] === '/' && s[j + 1] === '/') {
        while (j < s.length && !isLineTerminator(s[j])) j++;
      } else if (s[j] === '/' && s[j + 1] === '*') {
        const end = s.indexOf('*/', j + 2);
        if (end === -1) return -1;
        j = end + 2;
      } else return j;
    }
  };

  /** End of the quoted string at `j`, its raw contents, or null if a line ends it first. */
  const readString = (j: number): { end: number; raw: string } | null => {
    const quote = s[j];
    for (let k = j + 1; k < s.length; k++) {
      const c = s[k];
      if (c === '\\') k++;
      else if (c === quote) return { end: k + 1, raw: s.slice(j + 1, k) };
      else if (c === '\n' || c === '\r') return null;
    }
    return null;
  };

  /** From inside a template at `j`: index after the closing backtick, or after `${` (then `open` is true); null at EOF. */
  const readTemplate = (j: number): { end: number; open: boolean } | null => {
    for (let k = j; k < s.length; k++) {
      const c = s[k];
      if (c === '\\') k++;
      else if (c === '`') return { end: k + 1, open: false };
      else if (c === '$' && s[k + 1] === '{') return { end: k + 2, open: true };
    }
    return null;
  };

  const readRegex = (j: number): number | null => {
    let inClass = false;
    for (let k = j + 1; k < s.length; k++) {
      const c = s[k];
      if (isLineTerminator(c)) return null;
      if (c === '\\') k++;
      else if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      else if (c === '/' && !inClass) {
        k++;
        while (isIdentChar(s[k])) k++; // flags
        return k;
      }
    }
    return null;
  };

  /** After `import(`: null when the specifier is an absolute http(s) string literal. */
  const dynamicImport = (open: number, offset: number): JsFinding | null => {
    const j = skipTrivia(open + 1);
    if (j === -1) return uncertain('unterminated comment', open);
    let specifier: string | null = null;
    if (s[j] === '"' || s[j] === "'") {
      const str = readString(j);
      if (str === null) return uncertain('unterminated string', j);
      specifier = str.raw;
    } else if (s[j] === '`') {
      const t = readTemplate(j + 1);
      if (t === null) return uncertain('unterminated template', j);
      if (!t.open) specifier = s.slice(j + 1, t.end - 1);
    }
    return specifier !== null && isAbsoluteSpecifier(specifier) ? null : { kind: 'dynamic-import', offset };
  };

  const expressionStart = (): void => {
    regexAllowed = true;
    blockContext = false;
    afterDot = false;
  };

  /** After a template chunk: either a `${` opens an expression, or the template ended (a value). */
  const continueTemplate = (t: { end: number; open: boolean }): void => {
    i = t.end;
    if (t.open) {
      braces.push('template');
      expressionStart();
    } else {
      regexAllowed = false;
      blockContext = false;
      afterDot = false;
    }
  };

  while (i < s.length) {
    const c = s[i]!;
    if (isSpace(c) || isLineTerminator(c) || (c === '/' && (s[i + 1] === '/' || s[i + 1] === '*'))) {
      // Trivia: changes nothing about what the next token may be.
      const j = skipTrivia(i);
      if (j === -1) return uncertain('unterminated comment', i);
      i = j;
      continue;
    } else if (c === '#' && s[i + 1] === '!' && i === 0) {
      while (i < s.length && !isLineTerminator(s[i])) i++; // hashbang (ES2023)
    } else if (c === '/') {
      if (regexAllowed) {
        const end = readRegex(i);
        if (end === null) return uncertain('unterminated regular expression', i);
        i = end;
        regexAllowed = false;
        blockContext = false;
        afterDot = false;
      } else {
        i += s[i + 1] === '=' ? 2 : 1;
        expressionStart();
      }
    } else if (c === '"' || c === "'") {
      const str = readString(i);
      if (str === null) return uncertain('unterminated string', i);
      i = str.end;
      regexAllowed = false;
      blockContext = false;
      afterDot = false;
    } else if (c === '`') {
      const t = readTemplate(i + 1);
      if (t === null) return uncertain('unterminated template', i);
      continueTemplate(t);
    } else if (isIdentChar(c) || c === '#') {
      const start = i;
      i++;
      while (isIdentChar(s[i])) i++;
      const word = s.slice(start, i);
      const wasAfterDot = afterDot;
      if (!wasAfterDot && (word === 'import' || word === 'export')) {
        const j = skipTrivia(i);
        if (j === -1) return uncertain('unterminated comment', i);
        const next = s[j];
        if (word === 'import') {
          if (next === '.') return { kind: 'import-meta', offset: start };
          if (next === '(') {
            const finding = dynamicImport(j, start);
            if (finding) return finding;
          } else if (next === '{' || next === '*' || next === '"' || next === "'" || isIdentChar(next)) {
            return { kind: 'import-declaration', offset: start };
          }
        } else if (next !== ':' && next !== '(') {
          return { kind: 'export-declaration', offset: start };
        }
      }
      lastWord = wasAfterDot ? '' : word;
      afterDot = false;
      if (/^[\d.]/.test(word)) {
        regexAllowed = false; // a number
        blockContext = false;
      } else {
        regexAllowed = !wasAfterDot && EXPRESSION_KEYWORDS.has(word);
        blockContext = !wasAfterDot && BLOCK_KEYWORDS.has(word);
      }
      continue;
    } else if (c === '.') {
      if (/\d/.test(s[i + 1] ?? '')) {
        i++;
        while (isIdentChar(s[i]) || s[i] === '.') i++; // a number such as .5e3
        regexAllowed = false;
        blockContext = false;
        afterDot = false;
      } else if (s[i + 1] === '.' && s[i + 2] === '.') {
        i += 3;
        expressionStart();
      } else {
        i++;
        expressionStart();
        afterDot = true;
      }
    } else if (c === '?' && s[i + 1] === '.' && !/\d/.test(s[i + 2] ?? '')) {
      i += 2;
      expressionStart();
      afterDot = true;
    } else if (c === '(') {
      parens.push(CONTROL_KEYWORDS.has(lastWord));
      i++;
      expressionStart();
    } else if (c === ')') {
      const control = parens.pop() ?? false;
      i++;
      regexAllowed = control;
      blockContext = control;
      afterDot = false;
    } else if (c === '{') {
      braces.push(blockContext || !regexAllowed ? 'block' : 'object');
      i++;
      regexAllowed = true;
      blockContext = true;
      afterDot = false;
    } else if (c === '}') {
      const open = braces.pop();
      if (open === undefined) return uncertain('unbalanced }', i);
      if (open === 'template') {
        const t = readTemplate(i + 1);
        if (t === null) return uncertain('unterminated template', i);
        continueTemplate(t);
      } else {
        i++;
        regexAllowed = open === 'block';
        blockContext = open === 'block';
        afterDot = false;
      }
    } else if (c === ']') {
      i++;
      regexAllowed = false;
      blockContext = false;
      afterDot = false;
    } else if ((c === '+' || c === '-') && s[i + 1] === c) {
      // `++`/`--`: postfix after an operand, prefix before one, so what may follow is unchanged.
      i += 2;
    } else {
      const arrow = c === '=' && s[i + 1] === '>';
      i += arrow ? 2 : 1;
      expressionStart();
      blockContext = arrow || c === ';';
    }
    lastWord = '';
  }
  if (braces.includes('template')) return uncertain('unterminated template', s.length);
  return null;
}
