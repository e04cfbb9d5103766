/**
 * Would a document's Content Security Policy let a `data:` URL load, per request
 * destination? The Chromium engine redirects subresources to `data:` URLs, and the page's
 * CSP applies to the redirect target (platform-notes.md, "Limits of the Chromium data:
 * path"): where `data:` is not allowed for that kind of request, serving it would BREAK
 * the resource, so the caller must not serve that site.
 *
 * Parsing follows CSP3 (https://w3c.github.io/webappsec-csp/) §2.2.1 "parse a serialized
 * CSP", §2.2.2 "parse a response's Content Security Policies", and matching follows §6.7.2
 * "Does url match source list". Only the part that decides `data:` is implemented.
 *
 * @example
 * ```ts
 * const verdict = evaluateDocumentCsp({ 'content-security-policy': "default-src 'self'; img-src data: https:" });
 * verdict.dataAllowed.image  // true
 * verdict.dataAllowed.script // false ('self' never matches data:)
 * ```
 */
import { createHeaderLookup, type HeaderInput } from '../admission/headers.ts';

/** The request destinations PeerCache may answer with a `data:` URL. `connect` is fetch/XHR. */
export type CspDestination = 'script' | 'style' | 'font' | 'image' | 'connect';

/** Every {@link CspDestination}, in a fixed order. */
export const CSP_DESTINATIONS: readonly CspDestination[] = Object.freeze(['script', 'style', 'font', 'image', 'connect']);

/** One parsed policy: directive names (ASCII lowercase) mapped to their value tokens. */
export interface CspPolicy {
  readonly directives: ReadonlyMap<string, readonly string[]>;
}

/** What the enforced policies of one document mean for `data:` subresources. */
export interface CspVerdict {
  /** Per destination: true when EVERY enforced policy allows a `data:` URL. */
  readonly dataAllowed: Readonly<Record<CspDestination, boolean>>;
  /** Some enforced policy has `sandbox` (the document may run in an opaque origin). */
  readonly sandbox: boolean;
  /** Some enforced policy has `require-trusted-types-for`. */
  readonly requireTrustedTypes: boolean;
  /** Number of enforced policies with at least one directive. */
  readonly policyCount: number;
}

// CSP3 §6.8.3 "Get the effective directive for request" and §6.8.4 "directive fallback
// list": destination "script" -> script-src-elem, "style" -> style-src-elem, "font" ->
// font-src, "image" -> img-src, "" (fetch/XHR) -> connect-src; each falls back in order.
const FALLBACK: Readonly<Record<CspDestination, readonly string[]>> = {
  script: ['script-src-elem', 'script-src', 'default-src'],
  style: ['style-src-elem', 'style-src', 'default-src'],
  font: ['font-src', 'default-src'],
  image: ['img-src', 'default-src'],
  connect: ['connect-src', 'default-src'],
};
const RELEVANT = new Set(Object.values(FALLBACK).flat());

// Infra "ASCII whitespace": TAB, LF, FF, CR, SPACE.
const ASCII_WHITESPACE = /[\t\n\f\r ]+/;
const TRIM = /^[\t\n\f\r ]+|[\t\n\f\r ]+$/g;

const isAscii = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
};

/**
 * CSP3 §2.2.1 "parse a serialized CSP": split on ";", first occurrence of a directive name
 * wins, names are ASCII case-insensitive, values split on ASCII whitespace.
 *
 * One deliberate deviation, on the side of not serving: the spec drops a directive whose
 * text is not ASCII, which would let its fallback decide. Engines have differed on invalid
 * characters, so a relevant directive with non-ASCII text is kept with an EMPTY source list,
 * which matches nothing (§6.7.2.5), i.e. it blocks `data:`.
 */
export function parseSerializedCsp(serialized: string): CspPolicy {
  const directives = new Map<string, readonly string[]>();
  for (const part of serialized.split(';')) {
    const token = part.replace(TRIM, '');
    if (token === '') continue;
    const nameEnd = token.search(ASCII_WHITESPACE);
    const rawName = nameEnd === -1 ? token : token.slice(0, nameEnd);
    // ASCII lowercase only: String#toLowerCase would fold e.g. U+212A KELVIN SIGN to "k".
    const name = rawName.replace(/[A-Z]/g, (c) => c.toLowerCase());
    if (directives.has(name)) continue;
    if (!isAscii(token)) {
      if (RELEVANT.has(name)) directives.set(name, []);
      continue;
    }
    const rest = nameEnd === -1 ? '' : token.slice(nameEnd).replace(TRIM, '');
    directives.set(name, rest === '' ? [] : rest.split(ASCII_WHITESPACE));
  }
  return { directives };
}

/**
 * Splits a header value into serialized policies and parses each, dropping policies with
 * no directives (CSP3 §2.2.2).
 *
 * The split is on every comma, as Chromium and Firefox do, not on commas outside quoted
 * strings as Fetch's "get, decode, and split" would; CSP has no quoted strings, and a plain
 * split can only produce MORE policies, each of which must allow the load, so it never makes
 * the verdict more permissive than the browser's.
 */
export function parseCspList(value: string): CspPolicy[] {
  return value
    .split(',')
    .map(parseSerializedCsp)
    .filter((policy) => policy.directives.size > 0);
}

/**
 * The enforced policies of a response: every `Content-Security-Policy` field line.
 * `Content-Security-Policy-Report-Only` is never read: it reports and does not block.
 */
export function parseCspHeaders(headers: HeaderInput | undefined): CspPolicy[] {
  return createHeaderLookup(headers).all('content-security-policy').flatMap(parseCspList);
}

// CSP3 §3.3: a <meta> policy loses these (they only work as headers).
const META_IGNORED = ['report-uri', 'frame-ancestors', 'sandbox'];

/**
 * The policies of one `<meta http-equiv="Content-Security-Policy" content="...">`, given
 * its content attribute. Commas are split like a header (see {@link parseCspList}), the
 * reading that never allows more than the browser does.
 */
export function parseMetaCsp(content: string): CspPolicy[] {
  return parseCspList(content)
    .map((policy) => {
      const directives = new Map(policy.directives);
      for (const name of META_IGNORED) directives.delete(name);
      return { directives };
    })
    .filter((policy) => policy.directives.size > 0);
}

const ciEquals = (a: string, b: string): boolean => a.length === b.length && a.toLowerCase() === b;

/**
 * CSP3 §6.7.2.5 for the one URL scheme we care about. A `data:` URL matches a source list
 * only through a `data:` scheme-source: `*` matches HTTP(S) and the protected resource's own
 * scheme only, host-sources need a host (data: has none), `'self'` needs a same origin (data:
 * is opaque). `'none'` counts only as the sole token; an empty list matches nothing.
 */
function sourceListMatchesData(list: readonly string[]): boolean {
  if (list.length === 0) return false;
  if (list.length === 1 && ciEquals(list[0]!, "'none'")) return false;
  return list.some((token) => ciEquals(token, 'data:'));
}

/** Whether one policy lets a `data:` URL load for `destination`. */
export function policyAllowsData(policy: CspPolicy, destination: CspDestination): boolean {
  const name = FALLBACK[destination].find((n) => policy.directives.has(n));
  if (name === undefined) return true;
  const list = policy.directives.get(name)!;
  // CSP3 §8.2 'strict-dynamic': host- and scheme-sources are ignored, so `data:` is not
  // honoured; only nonces, hashes and non-parser-inserted scripts load, which a request
  // cannot be told apart by from the outside.
  if (destination === 'script' && list.some((token) => ciEquals(token, "'strict-dynamic'"))) return false;
  return sourceListMatchesData(list);
}

/** Combines enforced policies: each must allow (CSP3 §4.1.2, every policy is checked). */
export function evaluateCsp(policies: readonly CspPolicy[]): CspVerdict {
  const dataAllowed = {} as Record<CspDestination, boolean>;
  for (const destination of CSP_DESTINATIONS) {
    dataAllowed[destination] = policies.every((policy) => policyAllowsData(policy, destination));
  }
  return {
    dataAllowed,
    sandbox: policies.some((p) => p.directives.has('sandbox')),
    requireTrustedTypes: policies.some((p) => p.directives.has('require-trusted-types-for')),
    policyCount: policies.length,
  };
}

/**
 * The verdict for a document from its response headers and the content attributes of its
 * CSP `<meta>` elements (if the caller has them). No policy at all allows everything.
 */
export function evaluateDocumentCsp(headers: HeaderInput | undefined, metaContents: readonly string[] = []): CspVerdict {
  return evaluateCsp([...parseCspHeaders(headers), ...metaContents.flatMap(parseMetaCsp)]);
}
