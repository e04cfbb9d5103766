/**
 * May this asset be served as a `data:` URL without changing what the page gets? A `data:`
 * URL is not the origin's response (architecture.md, "Serving engines"): relative URLs
 * inside the asset resolve against it, module code sees it as its own URL, and Chromium
 * caps its length. This decides from the bytes and the Content-Type alone.
 *
 * @example
 * ```ts
 * const verdict = checkDataUrlServable(bytes, 'text/css; charset=utf-8');
 * if (verdict.servable) rule.redirect.url = buildDataUrl(bytes, verdict.mediaType);
 * else stats.count(verdict.reason);
 * ```
 */
import { classifyContentType } from '../admission/asset-type.ts';
import { findCssRelativeReference } from './css-scan.ts';
import { dataUrlMediaType, fitsDataUrl } from './data-url.ts';
import { findModuleSyntax } from './js-scan.ts';

/** Why an asset is not served as `data:`. */
export type DataUrlRefusal =
  | 'unsupported-type'
  | 'too-large'
  | 'undecodable'
  | 'css-relative-url'
  | 'css-relative-import'
  | 'css-uncertain'
  | 'js-module-syntax'
  | 'js-import-meta'
  | 'js-dynamic-import'
  | 'js-uncertain';

/** The verdict, with where in the (decoded) text a content check tripped. */
export type DataUrlVerdict =
  | { readonly servable: true; readonly mediaType: string }
  | { readonly servable: false; readonly reason: DataUrlRefusal; readonly detail?: string; readonly offset?: number };

/**
 * Decode text for scanning. The scanners look only at ASCII syntax, which reads the same in
 * UTF-8 and every ASCII-compatible legacy encoding, so UTF-8 with replacement characters is
 * enough; UTF-16 (a BOM, or a NUL in the first bytes) is not ASCII-compatible and refused.
 */
function decodeForScan(bytes: Uint8Array): string | null {
  if (bytes.length >= 2 && ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe))) return null;
  if (bytes.subarray(0, 64).includes(0)) return null;
  return new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(bytes);
}

const JS_REASONS = {
  'import-declaration': 'js-module-syntax',
  'export-declaration': 'js-module-syntax',
  'import-meta': 'js-import-meta',
  'dynamic-import': 'js-dynamic-import',
  uncertain: 'js-uncertain',
} as const;

const CSS_REASONS = {
  'relative-url': 'css-relative-url',
  'relative-import': 'css-relative-import',
  uncertain: 'css-uncertain',
} as const;

/**
 * Whether `bytes` served with `contentType` may become a `data:` URL: a static asset type
 * (see `classifyContentType`), a usable media type, within {@link DATA_URL_MAX_BYTES}, and
 * for stylesheets and scripts free of the constructs described in css-scan.ts and
 * js-scan.ts. Images, fonts and wasm have no URLs inside that a browser resolves.
 */
export function checkDataUrlServable(bytes: Uint8Array, contentType: string): DataUrlVerdict {
  const kind = classifyContentType(contentType);
  const mediaType = dataUrlMediaType(contentType);
  if (kind === null || mediaType === null) return { servable: false, reason: 'unsupported-type' };
  if (!fitsDataUrl(bytes.length, mediaType)) return { servable: false, reason: 'too-large' };
  if (kind !== 'script' && kind !== 'style') return { servable: true, mediaType };
  const text = decodeForScan(bytes);
  if (text === null) return { servable: false, reason: 'undecodable' };
  if (kind === 'style') {
    const finding = findCssRelativeReference(text);
    if (finding === null) return { servable: true, mediaType };
    return {
      servable: false,
      reason: CSS_REASONS[finding.kind],
      detail: finding.kind === 'uncertain' ? finding.why : finding.url,
      offset: finding.offset,
    };
  }
  const finding = findModuleSyntax(text);
  if (finding === null) return { servable: true, mediaType };
  return {
    servable: false,
    reason: JS_REASONS[finding.kind],
    ...(finding.kind === 'uncertain' ? { detail: finding.why } : {}),
    offset: finding.offset,
  };
}
