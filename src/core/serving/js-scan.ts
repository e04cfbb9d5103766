/**
 * Finds syntax that makes a script behave differently when loaded from a `data:` URL.
 * Module code resolves its imports against the module's URL (HTML "resolve a module
 * specifier"), and a classic script's dynamic `import()` resolves against the script's
 * URL too; against a `data:` base every relative specifier fails. `import.meta.url` would
 * expose the `data:` URL itself.
 *
 * The lexing is es-module-lexer's (issue 10, item 6: it replaced a hand-written tokenizer
 * whose regex/division guesses could hide a module, and a missed module served as `data:`
 * breaks the page). Its pure-JS build (`es-module-lexer/js`, asm.js) is used, not the
 * default WebAssembly one, because every caller is synchronous (the Chromium plan, the
 * Firefox per-request choice, the packaged-set build): the WebAssembly build needs `await
 * init` (or `initSync()`, a synchronous compile) before the first `parse`, which would
 * make this check async or order-dependent in a service worker that may wake for any
 * event, and it would tie the extension's CSP to `'wasm-unsafe-eval'` (issue 10 asks
 * whether that is still needed; today only the peer bundles' xsalsa20, for the group key,
 * compile WebAssembly, and the background bundles none). The JS build is about 10 KB larger
 * than the WebAssembly one (28 KB minified) and needs no init.
 *
 * Tradeoffs, chosen so that a mistake costs a cache hit, never a broken page:
 * - input the lexer rejects (an unterminated string or template, an unbalanced brace, and
 *   rarely a valid script it misreads, such as a regex right after a block's `}`) is
 *   reported as uncertain rather than guessed;
 * - a method named `import` (`{ import() {} }`) is not a dynamic import, and an
 *   unterminated trailing comment hides nothing (the script fails to parse either way);
 * - `import(` with a computed or bare specifier, and every static import, even one whose
 *   specifier is absolute, are reported;
 * - `import("https://…")` is accepted although an import map scope keyed on the script's
 *   URL would no longer apply to it.
 */
import { parse } from 'es-module-lexer/js';

/** What the scanner found first. */
export type JsFinding =
  | { readonly kind: 'import-declaration' | 'export-declaration' | 'import-meta' | 'dynamic-import'; readonly offset: number }
  | { readonly kind: 'uncertain'; readonly why: string; readonly offset: number };

// es-module-lexer's ImportType (a const enum in its types, so not importable as a value
// under isolatedModules): 1 static, 2 dynamic, 3 import.meta, 4 static source phase,
// 5 dynamic source phase (`import.source(…)`), 6 static defer, 7 dynamic defer.
const IMPORT_META = 3;
const DYNAMIC_TYPES = new Set([2, 5, 7]);

/** Specifiers a data: script still resolves the same way: absolute http(s) URLs only. */
const isAbsoluteSpecifier = (s: string): boolean => /^https?:\/\//i.test(s) && !s.includes('\\');

/** The first module-only or base-URL-dependent construct in `source`, or null. */
export function findModuleSyntax(source: string): JsFinding | null {
  let imports: ReturnType<typeof parse>[0];
  let exports: ReturnType<typeof parse>[1];
  let hasModuleSyntax: boolean;
  try {
    [imports, exports, , hasModuleSyntax] = parse(source);
  } catch (error) {
    const idx = (error as { idx?: unknown }).idx;
    const offset = typeof idx === 'number' && idx >= 0 ? Math.min(idx, source.length) : 0;
    return { kind: 'uncertain', why: error instanceof Error ? error.message : 'lexer error', offset };
  }
  const findings: JsFinding[] = [];
  for (const im of imports) {
    if (im.t === IMPORT_META) findings.push({ kind: 'import-meta', offset: im.ss });
    else if (!DYNAMIC_TYPES.has(im.t)) {
      // `export * from` and `export { a } from` are listed as imports; name them as written.
      const kind = source.startsWith('export', im.ss) ? 'export-declaration' : 'import-declaration';
      findings.push({ kind, offset: im.ss });
    }
    // `n` is the specifier when it is a plain string literal; anything computed is reported.
    else if (im.n === undefined || !isAbsoluteSpecifier(im.n)) findings.push({ kind: 'dynamic-import', offset: im.ss });
  }
  for (const ex of exports) findings.push({ kind: 'export-declaration', offset: ex.ss });
  if (findings.length === 0 && hasModuleSyntax) {
    // `export {}` names nothing yet makes the file a module; the lexer gives no position.
    const at = source.search(/\bexport\b/);
    return { kind: 'export-declaration', offset: at === -1 ? 0 : at };
  }
  if (findings.length === 0) return null;
  return findings.reduce((first, f) => (f.offset < first.offset ? f : first));
}
