/**
 * Which Content-Types name static assets worth sharing, and what kind each is. Used by
 * admission (what may be stored) and later by serving (what may be answered, and how).
 */
import { splitList } from './headers.ts';

/** The kinds of asset PeerCache stores. */
export type AssetType = 'script' | 'style' | 'font' | 'image' | 'wasm';

// "JavaScript MIME type essence match", WHATWG MIME Sniffing §4.6
// (https://mimesniff.spec.whatwg.org/#javascript-mime-type).
const JAVASCRIPT = new Set([
  'application/ecmascript',
  'application/javascript',
  'application/x-ecmascript',
  'application/x-javascript',
  'text/ecmascript',
  'text/javascript',
  'text/javascript1.0',
  'text/javascript1.1',
  'text/javascript1.2',
  'text/javascript1.3',
  'text/javascript1.4',
  'text/javascript1.5',
  'text/jscript',
  'text/livescript',
  'text/x-ecmascript',
  'text/x-javascript',
]);

// Pre-RFC 8081 font types still served by many CDNs (font/* covers the registered ones).
const LEGACY_FONTS = new Set([
  'application/font-woff',
  'application/font-woff2',
  'application/x-font-woff',
  'application/font-sfnt',
  'application/x-font-ttf',
  'application/x-font-truetype',
  'application/x-font-opentype',
  'application/x-font-otf',
  'application/vnd.ms-fontobject',
]);

// type "/" subtype, both tokens (RFC 9110 §8.3.1).
const ESSENCE = /^[!#$%&'*+\-.^_`|~0-9a-z]+\/[!#$%&'*+\-.^_`|~0-9a-z]+$/;

/**
 * The MIME type essence (`type/subtype`, lowercase, parameters dropped) of one media
 * type, or null if it is not one.
 */
export function mimeEssence(mediaType: string): string | null {
  const semicolon = mediaType.indexOf(';');
  const essence = (semicolon === -1 ? mediaType : mediaType.slice(0, semicolon)).trim().toLowerCase();
  return ESSENCE.test(essence) ? essence : null;
}

/** Classify one MIME type essence. */
export function assetTypeOfEssence(essence: string): AssetType | null {
  if (JAVASCRIPT.has(essence)) return 'script';
  if (essence === 'text/css') return 'style';
  if (essence.startsWith('font/') || LEGACY_FONTS.has(essence)) return 'font';
  if (essence === 'application/wasm') return 'wasm';
  // SVG is refused although it is image/*: opened as a document, or through <object>,
  // <iframe> or <embed>, it runs script, and a data: copy would run it in an opaque
  // origin instead of the origin's, which changes what the page sees. Raster types cannot.
  if (essence.startsWith('image/') && !essence.includes('svg')) return 'image';
  return null;
}

/**
 * Classify a Content-Type field value. Undefined, unparsable, JSON, HTML, text/plain,
 * application/octet-stream and other types give null (not a static asset we share).
 * A combined value listing several types is accepted only if all give the same kind:
 * browsers pick one by rules (Fetch "extract a MIME type") that we would rather not
 * second-guess.
 *
 * @example
 * ```ts
 * classifyContentType('text/javascript; charset=utf-8') // 'script'
 * classifyContentType('application/json')               // null
 * ```
 */
export function classifyContentType(contentType: string | undefined): AssetType | null {
  if (contentType === undefined) return null;
  const kinds = new Set(
    splitList(contentType).map((mediaType) => {
      const essence = mimeEssence(mediaType);
      return essence === null ? null : assetTypeOfEssence(essence);
    }),
  );
  if (kinds.size !== 1) return null;
  const [kind] = kinds;
  return kind ?? null;
}
