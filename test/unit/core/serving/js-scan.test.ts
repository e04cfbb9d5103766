import { describe, expect, it } from 'vitest';
import { findModuleSyntax } from '../../../../src/core/serving/js-scan.ts';

describe('findModuleSyntax: classic scripts pass', () => {
  it.each([
    ['plain code', 'var a = 1; function f(x) { return x * 2; }'],
    ['UMD wrapper', '(function (root, factory) { if (typeof define === "function") define([], factory); else root.x = factory(); })(this, function () { return {}; });'],
    ['import in a line comment', '// import x from "./x.js"\nvar a;'],
    ['import in a block comment', '/* export default 1; import.meta */ var a;'],
    ['import in strings', 'var s = "import x from \'./y\'"; var t = \'export {a}\';'],
    ['import in a template', 'var s = `import("./x") ${1 + 2} export default`;'],
    ['import in a regex', 'var r = /import\\s+x/g; var q = /export/;'],
    ['regex with a slash in a class', 'var r = /[/]import/; var s = 1;'],
    ['regex after a control paren', 'if (x) /import/.test(y);'],
    ['regex after a block', 'function f() {}\n/import/.test(y);'],
    ['division after an object literal', 'var o = {} / 2; var p = 4 / 2 / 1;'],
    // Read the wrong way, each of these would open a string at the quote and never close it.
    ['a regex with a quote after a control paren', "if (x) /'/.test(y);"],
    ['division before a string holding a slash, after an object literal', 'var o = {} / 2, s = "/";'],
    ['division before a string holding a slash, after a call', 'var o = f() / 2, s = "/";'],
    ['division after a paren expression', 'var a = (b + c) / 2, d = e / f;'],
    ['member named import', 'loader.import("./x"); obj?.import(y); a.export = 1;'],
    ['object key named import', 'var o = { import: 1, export: 2 };'],
    ['identifiers containing the words', 'var imports = 1, exported = 2, module = { exports: {} }; module.exports = imports;'],
    ['absolute dynamic import', 'import("https://cdn.example/x.js").then(run);'],
    ['absolute dynamic import in a template', 'import(`https://cdn.example/x.js`);'],
    ['sourceMappingURL', 'var a;\n//# sourceMappingURL=app.js.map'],
    ['hashbang', '#!/usr/bin/env node\nvar a;'],
    ['private names and postfix ++', 'class A { #x = 1; m() { this.#x++ / 2; } }'],
    ['spread', 'f(...args); var o = { ...p };'],
    ['nested template', 'var s = `a${`b${c}`}d`; var t = /x/;'],
    ['number with exponent and dot', 'var a = 1.5e3 / .5;'],
    ['method named import', 'var o = { import() {} }; class A { static import() {} }'],
    // The script is a syntax error from data: and from its own URL alike; nothing is hidden after it.
    ['unterminated trailing block comment', 'var a; /* no end'],
  ])('%s', (_label, js) => {
    expect(findModuleSyntax(js)).toBeNull();
  });
});

describe('findModuleSyntax: module syntax is found', () => {
  it.each<[string, string, string]>([
    ['import default', 'import x from "./x.js";', 'import-declaration'],
    ['import named', 'import { a, b } from "lib";', 'import-declaration'],
    ['import namespace', 'import * as ns from "lib";', 'import-declaration'],
    ['bare import', "import './side-effect.js';", 'import-declaration'],
    ['import after code on one line', 'var a=1;import b from"c"', 'import-declaration'],
    ['export default', 'export default function () {}', 'export-declaration'],
    ['export const', 'var a;\nexport const b = 1;', 'export-declaration'],
    ['export list', 'export { a as b };', 'export-declaration'],
    ['export star', 'export * from "./x.js";', 'export-declaration'],
    ['import.meta', 'console.log(import.meta.url);', 'import-meta'],
    ['import . meta with a comment', 'x = import /* c */ .meta;', 'import-meta'],
    ['relative dynamic import', 'import("./chunk.js").then(run);', 'dynamic-import'],
    ['root-relative dynamic import', "import('/chunk.js');", 'dynamic-import'],
    ['bare dynamic import', 'import("lodash");', 'dynamic-import'],
    ['computed dynamic import', 'import(base + "/chunk.js");', 'dynamic-import'],
    ['template dynamic import with a substitution', 'import(`https://x/${name}.js`);', 'dynamic-import'],
    ['dynamic import inside a template substitution', 'var s = `${import("./x.js")}`;', 'dynamic-import'],
    ['dynamic import after a regex', 'var r = /x/; import("./x.js");', 'dynamic-import'],
    ['after division that looks like a regex start', 'var a = b / c; import x from "y"; d = e / f;', 'import-declaration'],
  ])('%s', (_label, js, kind) => {
    expect(findModuleSyntax(js)).toMatchObject({ kind });
  });

  it('reports the offset of the keyword', () => {
    const js = 'var a;\nexport default a;';
    expect(findModuleSyntax(js)?.offset).toBe(js.indexOf('export'));
  });
});

describe('findModuleSyntax: what it cannot follow', () => {
  it.each([
    ['unterminated string', 'var s = "abc\nimport x from "y";'],
    // Valid, but the lexer reads the `/` after a block's `}` as division: a cache miss, never a hidden module.
    ['a regex with a quote after a block', "{ a(); } /'/.test(y);"],
    ['unterminated template', 'var s = `abc'],
    ['unterminated template substitution', 'var s = `a${b'],
    ['unterminated regex', 'var r = /abc\n;'],
    ['unbalanced brace', 'var a; }'],
  ])('%s', (_label, js) => {
    expect(findModuleSyntax(js)).toMatchObject({ kind: 'uncertain' });
  });
});
