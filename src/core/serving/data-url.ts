/**
 * `data:` URLs (RFC 2397, Fetch "data: URL processor") for the Chromium engine: their media
 * type, their length, and the size ceiling under Chromium's URL length cap.
 */
import { assetTypeOfEssence, mimeEssence } from '../admission/asset-type.ts';
import { splitList } from '../admission/headers.ts';
import { encodeBase64 } from '../integrity/base64.ts';

/**
 * Chromium's `url::kMaxURLChars` (2 MiB). A DNR rule whose redirect URL is longer is
 * accepted, but the load then fails silently (platform-notes.md, measured).
 */
export const CHROMIUM_MAX_URL_CHARS = 2 * 1024 * 1024;

/** Longest `data:` URL we produce: the cap minus 64 KiB of margin. */
export const DATA_URL_MAX_LENGTH = CHROMIUM_MAX_URL_CHARS - 64 * 1024;

/**
 * Largest asset (payload bytes) served as a `data:` URL. Base64 makes 4 characters of every
 * 3 bytes, so 1.5 MiB would be exactly 2 MiB of base64 and over the cap once the prefix is
 * added; 1,500,000 bytes give 2,000,000 characters, about 31 KiB under
 * {@link DATA_URL_MAX_LENGTH}.
 */
export const DATA_URL_MAX_BYTES = 1_500_000;

const BASE64_MARKER = ';base64,';

/** Length of the base64 text for `size` bytes, with padding. */
export function base64Length(size: number): number {
  return 4 * Math.ceil(size / 3);
}

/**
 * Length of `data:<mediaType>;base64,<payload>` for a payload of `size` bytes. Pass the
 * media type as it will appear in the URL (see {@link dataUrlMediaType}).
 */
export function dataUrlLength(size: number, mediaType: string): number {
  return 'data:'.length + mediaType.length + BASE64_MARKER.length + base64Length(size);
}

/** Whether an asset of `size` bytes fits both the byte ceiling and the URL length cap. */
export function fitsDataUrl(size: number, mediaType: string): boolean {
  return Number.isInteger(size) && size >= 0 && size <= DATA_URL_MAX_BYTES && dataUrlLength(size, mediaType) <= DATA_URL_MAX_LENGTH;
}

// A charset label as a token (RFC 9110 §5.6.2), which is all real labels need.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;

/**
 * The media type to write into a `data:` URL for a response's Content-Type: the essence,
 * plus `;charset=<label>` for text (scripts, stylesheets, `text/*`) when the origin sent
 * one. Other parameters are dropped; an absent charset stays absent, so the browser decodes
 * the `data:` copy exactly as it decoded the origin's response (BOM, then charset, then the
 * element's or document's encoding). Null when there is not exactly one usable type (a
 * combined field with different types, an unparsable value, a charset that is not a token):
 * then the asset is not served as `data:`.
 *
 * @example
 * ```ts
 * dataUrlMediaType('Text/CSS; charset="UTF-8"; foo=bar') // 'text/css;charset=utf-8'
 * dataUrlMediaType('font/woff2')                         // 'font/woff2'
 * ```
 */
export function dataUrlMediaType(contentType: string): string | null {
  const types = splitList(contentType);
  const first = types[0];
  if (first === undefined) return null;
  const essence = mimeEssence(first);
  if (essence === null || types.some((t) => mimeEssence(t) !== essence)) return null;
  const kind = assetTypeOfEssence(essence);
  const isText = kind === 'script' || kind === 'style' || essence.startsWith('text/');
  if (!isText) return essence;
  const charsets = new Set<string>();
  for (const type of types) {
    for (const param of type.split(';').slice(1)) {
      const eq = param.indexOf('=');
      if (eq === -1 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
      let value = param.slice(eq + 1).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      charsets.add(value.toLowerCase());
    }
  }
  if (charsets.size === 0) return essence;
  const [charset] = charsets;
  if (charsets.size > 1 || !TOKEN.test(charset!)) return null;
  return `${essence};charset=${charset}`;
}

/** `data:<mediaType>;base64,<bytes>`. */
export function buildDataUrl(bytes: Uint8Array, mediaType: string): string {
  return `data:${mediaType}${BASE64_MARKER}${encodeBase64(bytes)}`;
}
