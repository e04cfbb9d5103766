// The module-syntax check that decides whether a script may be served as `data:`
// (src/core/serving/js-scan.ts, es-module-lexer underneath, and asset-checks.ts around it),
// against acorn, a full ECMAScript parser: a module construct it misses breaks the page once
// the script is served from a `data:` URL (issue 10, item 6).
import { parse as acornParse, type Node } from 'acorn';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDataUrlServable } from '../../src/core/serving/asset-checks.ts';
import { findModuleSyntax } from '../../src/core/serving/js-scan.ts';
import { checkProperty } from './support/runs.ts';

type Kind = 'import-declaration' | 'export-declaration' | 'import-meta' | 'dynamic-import';

const isAbsolute = (s: string): boolean => /^https?:\/\//i.test(s) && !s.includes('\\');

/** The module constructs acorn finds in `source`, or null when it is not a valid module. */
function referenceKinds(source: string): Set<Kind> | null {
  let program: Node;
  try {
    program = acornParse(source, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true });
  } catch {
    return null;
  }
  const kinds = new Set<Kind>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object' || !('type' in value)) return;
    const node = value as Node & Record<string, unknown>;
    if (node.type === 'ImportDeclaration') kinds.add('import-declaration');
    else if (/^Export(Named|Default|All)Declaration$/.test(node.type)) kinds.add('export-declaration');
    else if (node.type === 'MetaProperty' && (node.meta as { name: string }).name === 'import') kinds.add('import-meta');
    else if (node.type === 'ImportExpression') {
      const src = node.source as { type: string; value?: unknown; expressions?: unknown[]; quasis?: { value: { cooked: string } }[] };
      const literal =
        src.type === 'Literal' && typeof src.value === 'string'
          ? src.value
          : src.type === 'TemplateLiteral' && src.expressions!.length === 0
            ? src.quasis![0]!.value.cooked
            : null;
      if (literal === null || !isAbsolute(literal)) kinds.add('dynamic-import');
    }
    for (const [key, child] of Object.entries(node)) if (key !== 'type') visit(child);
  };
  visit(program);
  return kinds;
}

// Expressions where a lexer must tell a regex from a division, a string from a template, and
// code from comments, some holding module syntax as text and some as code.
const { expr } = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(
      'a', '1.5e3 / .5', 'b / c / d', '"import x from \'./y\'"', "'export {a}'", '/[/]import/g', "/'/", '/export\\//', 'o.import', 'o?.import',
      'loader.import("./x")', '{ import: 1, export: 2 }', '({} / 2)', 'f() / 2', '"/"', '`import("./x")`', '"\\u0069mport"', '/* import x from "y" */ 1',
      'new.target', 'this.#p', '0x1F / 2', '.5', 'x++ / 2',
    ),
    fc.constantFrom('import.meta.url', 'import.meta', 'import("./chunk.js")', "import('/root.js')", 'import("lodash")', 'import(base + "/x.js")',
      'import("https://cdn.example/x.js")', 'import(`https://cdn.example/x.js`)', 'import(`https://cdn.example/${n}.js`)', 'import /* c */ ("./x")'),
    fc.tuple(tie('expr'), fc.constantFrom(' / ', ' + ', ', ', ' ? 1 : ', ' || ')).map(([e, op]) => `(${e}${op}2)`),
    tie('expr').map((e) => `\`t\${${e}}t\``),
    tie('expr').map((e) => `((x) => ${e})`),
    tie('expr').map((e) => `[${e}]`),
    tie('expr').map((e) => `f(${e}) / 2`),
  ),
}));

/** A statement at the top level; `n` keeps bindings unique so that acorn accepts the module. */
const statement = (n: number): fc.Arbitrary<string> =>
  fc.oneof(
    expr.map((e) => `var v${n} = ${e};`),
    expr.map((e) => `if (c) /re${n}/.test(${e});`),
    expr.map((e) => `function f${n}() { return ${e}; }`),
    expr.map((e) => `class C${n} { static import() {} #p = 1; m() { return ${e}; } }`),
    expr.map((e) => `for (const k of [${e}]) { k; }`),
    expr.map((e) => `// import x from "y" ${e}\n`),
    expr.map((e) => `/* export default ${e} */`),
    expr.map((e) => `label${n}: { ${e}; }`),
    fc.constantFrom(
      `import x${n} from "./x.js";`, `import { a as b${n} } from "lib";`, `import * as ns${n} from "./m.js";`, 'import "./side.js";',
      `import j${n} from "https://cdn.example/j.js";`, `export const e${n} = 1;`, `export function g${n}() {}`, 'export * from "./x.js";',
      `export { a as e${n} } from "lib";`, `export {};`, `export { v${n} as w${n} }; var v${n};`,
    ),
  );
const program = fc
  .array(fc.nat(), { maxLength: 6 })
  .chain((ids): fc.Arbitrary<string[]> => (ids.length === 0 ? fc.constant<string[]>([]) : fc.tuple(...ids.map((_, i) => statement(i)))))
  .chain((statements) => fc.constantFrom('\n', ' ', ';\n').map((sep) => statements.join(sep)));

const asScript = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('module-syntax check', () => {
  it('finds every module construct acorn finds in a valid program, and nothing in a classic one', () =>
    checkProperty(
      fc.property(program, (source) => {
        const expected = referenceKinds(source);
        const finding = findModuleSyntax(source);
        const verdict = checkDataUrlServable(asScript(source), 'text/javascript');
        if (expected === null) return; // not a valid module; only the next property applies
        if (expected.size > 0) {
          expect(finding, `missed ${[...expected].join(', ')}`).not.toBeNull();
          expect(verdict.servable).toBe(false);
          if (finding!.kind !== 'uncertain') expect(expected.has(finding!.kind)).toBe(true);
        } else {
          expect(finding, 'a classic script refused').toBeNull();
          expect(verdict.servable).toBe(true);
        }
      }),
      0.5,
    ));

  it('never throws on any text, and points inside it', () =>
    checkProperty(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ maxLength: 100, unit: 'binary' }), program.map((p) => p.slice(0, p.length >> 1))), (source) => {
        const finding = findModuleSyntax(source);
        if (finding !== null) {
          expect(finding.offset).toBeGreaterThanOrEqual(0);
          expect(finding.offset).toBeLessThanOrEqual(source.length);
        }
        checkDataUrlServable(asScript(source), 'application/javascript; charset=utf-8');
      }),
    ));
});
