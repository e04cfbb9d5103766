import { describe, expect, it } from 'vitest';
import {
  CSP_DESTINATIONS,
  evaluateDocumentCsp,
  parseCspHeaders,
  parseMetaCsp,
  parseSerializedCsp,
  type CspDestination,
} from '../../../../src/core/serving/csp.ts';

type Allowed = Partial<Record<CspDestination, boolean>>;
const ALL = (v: boolean): Record<CspDestination, boolean> =>
  Object.fromEntries(CSP_DESTINATIONS.map((d) => [d, v])) as Record<CspDestination, boolean>;
const only = (allowed: Allowed, rest = false): Record<CspDestination, boolean> => ({ ...ALL(rest), ...allowed });

describe('evaluateDocumentCsp: data: per destination, one header', () => {
  it.each<[string, Record<CspDestination, boolean>]>([
    ["default-src 'self'", ALL(false)],
    ['default-src data:', ALL(true)],
    ['default-src DATA:', ALL(true)],
    ["default-src *", ALL(false)], // CSP3: * matches HTTP(S) and the page's own scheme only
    ["default-src https: 'unsafe-inline' 'unsafe-eval' blob:", ALL(false)],
    ['default-src data', ALL(false)], // a host-source named "data", not the scheme
    ['default-src data://x', ALL(false)], // host-source: data: URLs have no host
    ["img-src data:", ALL(true)], // no default-src: everything else unrestricted
    ["default-src 'none'; img-src data:", only({ image: true })],
    ["default-src data:; img-src 'self'", only({ image: false }, true)],
    ["default-src data:; script-src 'none'", only({ script: false }, true)],
    ["script-src 'none' data:", only({ script: true }, true)], // 'none' with others is ignored
    ["script-src data: 'strict-dynamic' 'nonce-abc'", only({ script: false }, true)],
    ["default-src data: 'strict-dynamic'", only({ script: false }, true)], // fallback for scripts keeps it
    ["script-src 'strict-dynamic'; script-src-elem data:", ALL(true)], // the effective directive is script-src-elem
    ["script-src data:; script-src-elem 'self'", only({ script: false }, true)],
    ["style-src data:; style-src-elem 'self'", only({ style: false }, true)],
    ["default-src 'self'; style-src data:", only({ style: true })],
    ["default-src 'self'; font-src data:", only({ font: true })],
    ["default-src 'self'; connect-src data:", only({ connect: true })],
    ['connect-src', only({ connect: false }, true)], // empty source list matches nothing
    ['IMG-SRC data:', ALL(true)],
    ["img-src 'self'; img-src data:", only({ image: false }, true)], // first occurrence wins
    ["   ;  ; img-src\tdata:  ;", ALL(true)],
    ["unknown-directive 'none'; report-uri /r", ALL(true)],
    ["frame-ancestors 'none'; upgrade-insecure-requests", ALL(true)],
  ])('%j', (policy, expected) => {
    expect(evaluateDocumentCsp({ 'Content-Security-Policy': policy }).dataAllowed).toEqual(expected);
  });
});

describe('evaluateDocumentCsp: several policies', () => {
  it('allows only what EVERY enforced policy allows (separate field lines)', () => {
    const v = evaluateDocumentCsp([
      ['Content-Security-Policy', 'default-src data: https:'],
      ['content-security-policy', "img-src 'self'"],
    ]);
    expect(v.dataAllowed).toEqual(only({ image: false }, true));
    expect(v.policyCount).toBe(2);
  });

  it('splits comma-joined policies in one field line', () => {
    const v = evaluateDocumentCsp({ 'content-security-policy': "default-src data:, script-src 'self'" });
    expect(v.dataAllowed).toEqual(only({ script: false }, true));
    expect(v.policyCount).toBe(2);
  });

  it('ignores Content-Security-Policy-Report-Only (it does not block)', () => {
    const v = evaluateDocumentCsp({ 'Content-Security-Policy-Report-Only': "default-src 'none'" });
    expect(v.dataAllowed).toEqual(ALL(true));
    expect(v.policyCount).toBe(0);
  });

  it('allows everything without any policy', () => {
    expect(evaluateDocumentCsp(undefined).dataAllowed).toEqual(ALL(true));
    expect(evaluateDocumentCsp({}).dataAllowed).toEqual(ALL(true));
  });

  it('adds <meta> policies to the header ones', () => {
    const v = evaluateDocumentCsp({ 'content-security-policy': 'default-src data:' }, ["img-src 'self'"]);
    expect(v.dataAllowed).toEqual(only({ image: false }, true));
  });
});

describe('evaluateDocumentCsp: reported directives', () => {
  it.each([
    ['sandbox allow-scripts', true, false],
    ['sandbox', true, false],
    ["require-trusted-types-for 'script'", false, true],
    ["default-src 'self'", false, false],
  ])('%j -> sandbox %s, trusted types %s', (policy, sandbox, tt) => {
    const v = evaluateDocumentCsp({ 'content-security-policy': policy });
    expect(v.sandbox).toBe(sandbox);
    expect(v.requireTrustedTypes).toBe(tt);
  });

  it('drops sandbox from a <meta> policy (CSP3 §3.3) but keeps require-trusted-types-for', () => {
    const v = evaluateDocumentCsp(undefined, ["sandbox; require-trusted-types-for 'script'"]);
    expect(v.sandbox).toBe(false);
    expect(v.requireTrustedTypes).toBe(true);
  });
});

describe('parseSerializedCsp', () => {
  it('lowercases names, splits values on ASCII whitespace, keeps the first occurrence', () => {
    const p = parseSerializedCsp("Script-Src  'self'\t\fdata: ; SCRIPT-SRC 'none'; img-src");
    expect([...p.directives]).toEqual([
      ['script-src', ["'self'", 'data:']],
      ['img-src', []],
    ]);
  });

  it('keeps a relevant directive with non-ASCII text as an empty (blocking) list', () => {
    expect(parseSerializedCsp('img-src data: é').directives.get('img-src')).toEqual([]);
    expect(evaluateDocumentCsp({ 'content-security-policy': 'img-src data: é' }).dataAllowed.image).toBe(false);
  });

  it('does not case-fold non-ASCII lookalikes into directive names', () => {
    // U+212A KELVIN SIGN lowercases to "k" with String#toLowerCase.
    expect([...parseSerializedCsp('\u212Aeep-src x').directives.keys()]).toEqual([]);
  });
});

describe('parseCspHeaders / parseMetaCsp', () => {
  it('drops empty policies', () => {
    expect(parseCspHeaders({ 'content-security-policy': ' , ;; ,' })).toEqual([]);
    expect(parseMetaCsp("sandbox; frame-ancestors 'none'")).toEqual([]);
  });
});
