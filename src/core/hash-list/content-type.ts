/**
 * The content type a listed file is served with, from its path: the list stores no types
 * (both CDNs derive theirs from the extension), and a block fetched from a peer needs one to
 * be served. Text types say UTF-8, which npm packages are written in.
 */
const TYPES: Readonly<Record<string, string>> = {
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  cjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  woff2: 'font/woff2',
  woff: 'font/woff',
  ttf: 'font/ttf',
  otf: 'font/otf',
  eot: 'application/vnd.ms-fontobject',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  ico: 'image/x-icon',
  wasm: 'application/wasm',
};

/** The type for a URL or path, or undefined for an extension the list never holds. */
export function contentTypeForPath(path: string): string | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(path.split(/[?#]/)[0] ?? '')?.[1]?.toLowerCase();
  return ext ? TYPES[ext] : undefined;
}
