// The shared libraries of the office's web: REAL files at the CDN URLs real pages use. Packaged
// ones ship in the extension (extension/pkg/) and the public list binds their jsDelivr, unpkg,
// cdnjs, Google, Microsoft, jQuery and BootstrapCDN URLs; listed-but-not-packaged ones come from
// node_modules (npm's bytes, as jsDelivr and unpkg serve them): PeerCache must learn those from
// a first download (test/e2e/support/test-web.ts does the same with jQuery's slim build).
// Ranked by popularity (rank 1 = most used): the packaged set holds the most used listed files,
// so the not-packaged ones sit among the middle ranks here.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fetchedReferences } from '../../scripts/hash-list/packaged-set.ts';
import { contentTypeForPath, parseHashList, type HashList } from '../../src/core/hash-list/index.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** One library file: its bytes, the URLs that serve them, and what a stylesheet loads relative to itself. */
export interface Library {
  /** `name@version/path`, for reports. */
  readonly id: string;
  readonly path: string;
  readonly contentType: string;
  /** Every URL serving these bytes (listed ones first), one per CDN host at most. */
  readonly urls: readonly string[];
  /** Files a stylesheet loads (fonts), relative to it: the relative reference and where its bytes are. */
  readonly deps: readonly { ref: string; path: string }[];
  readonly packaged: boolean;
}

/** Packaged files, most used first (extension paths under extension/). */
const PACKAGED = [
  'pkg/jquery@3.7.1/dist/jquery.min.js',
  'pkg/bootstrap@4.5.2/dist/css/bootstrap.min.css',
  'pkg/bootstrap@4.5.2/dist/js/bootstrap.min.js',
  'pkg/font-awesome@4.7.0/css/font-awesome.min.css',
  'pkg/popper.js@1.14.7/dist/umd/popper.min.js',
  'pkg/@fortawesome/fontawesome-free@6.5.1/css/all.min.css',
  'pkg/jquery@3.6.0/dist/jquery.min.js',
  'pkg/gsap@3.12.5/dist/gsap.min.js',
  'pkg/swiper@11.0.5/swiper-bundle.min.js',
  'pkg/moment@2.29.1/min/moment.min.js',
  'pkg/animate.css@4.1.1/animate.min.css',
  'pkg/jquery-ui@1.13.2/dist/jquery-ui.min.js',
  'pkg/slick-carousel@1.8.1/slick/slick.min.js',
  'pkg/owl.carousel@2.3.4/dist/owl.carousel.min.js',
  'pkg/lodash@4.17.11/core.min.js',
  'pkg/jquery-migrate@3.3.2/dist/jquery-migrate.min.js',
  'pkg/lazysizes@5.3.2/lazysizes.min.js',
  'pkg/html2canvas@1.4.1/dist/html2canvas.min.js',
  'pkg/lottie-web@5.12.1/build/player/lottie.min.js',
  'pkg/magnific-popup@1.1.0/dist/jquery.magnific-popup.min.js',
  'pkg/underscore@1.8.3/underscore-min.js',
  'pkg/plyr@3.6.8/dist/plyr.min.js',
  'pkg/@fancyapps/fancybox@3.5.7/dist/jquery.fancybox.min.js',
  'pkg/pako@2.1.0/dist/pako.min.js',
];

/** On the public list, not in the packaged set: npm's bytes from node_modules. */
const LISTED_ONLY = [
  { pkg: 'jquery', file: 'dist/jquery.slim.min.js' },
  { pkg: 'jszip', file: 'dist/jszip.min.js' },
  { pkg: 'async', file: 'dist/async.min.js' },
  { pkg: 'bluebird', file: 'js/browser/bluebird.min.js' },
  { pkg: 'json5', file: 'dist/index.min.js' },
  { pkg: 'bluebird', file: 'js/browser/bluebird.core.min.js' },
  { pkg: 'jquery', file: 'dist/jquery.slim.js' },
];

/** Where each listed-only file is ranked among the packaged ones (1-based popularity ranks). */
const LISTED_ONLY_RANKS = [4, 7, 10, 14, 18, 22, 26];

/** Preferred CDN hosts, in the order a URL for a library is looked for. */
export const CDN_HOSTS = ['cdn.jsdelivr.net', 'cdnjs.cloudflare.com', 'unpkg.com', 'code.jquery.com', 'ajax.googleapis.com', 'maxcdn.bootstrapcdn.com', 'stackpath.bootstrapcdn.com', 'ajax.aspnetcdn.com'];

let cachedList: HashList | undefined;
/** The public hash list the extension ships. */
export function hashList(): HashList {
  cachedList ??= parseHashList(readFileSync(join(ROOT, 'extension', 'hash-list.bin')));
  return cachedList;
}

/** One URL per CDN host among `urls`, in {@link CDN_HOSTS} order. */
function perHost(urls: readonly string[]): string[] {
  return CDN_HOSTS.map((h) => urls.find((u) => new URL(u).host === h)).filter((u): u is string => u !== undefined);
}

/** The ranked pool. Throws when a file's bytes are not what the list says (node_modules changed). */
export function libraryPool(): Library[] {
  const list = hashList();
  const byPath = new Map(list.packagedFiles().map((f) => [f.extensionPath, f]));
  const packaged: Library[] = PACKAGED.map((p) => {
    const f = byPath.get(p);
    if (!f) throw new Error(`${p} is not in the packaged set any more (extension/hash-list.bin changed)`);
    const path = join(ROOT, 'extension', p);
    const contentType = contentTypeForPath(p) ?? 'application/octet-stream';
    const deps = contentType.startsWith('text/css') ? fetchedReferences(readFileSync(path, 'utf8')).map((ref) => ({ ref, path: join(path, '..', ref) })) : [];
    return { id: p.slice(4), path, contentType, urls: perHost(f.urls), deps, packaged: true };
  });
  const listedOnly: Library[] = LISTED_ONLY.map(({ pkg, file }) => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string };
    const path = join(ROOT, 'node_modules', pkg, file);
    const urls = [`https://cdn.jsdelivr.net/npm/${pkg}@${version}/${file}`, `https://unpkg.com/${pkg}@${version}/${file}`];
    const entry = list.lookup(urls[0]!);
    const digest = createHash('sha384').update(readFileSync(path)).digest();
    if (!entry || !Buffer.from(entry.digest).equals(digest) || list.packagedFile(entry.key)) throw new Error(`${urls[0]} is not a listed, unpackaged file with these bytes`);
    return { id: `${pkg}@${version}/${file}`, path, contentType: contentTypeForPath(file) ?? 'application/javascript', urls, deps: [], packaged: false };
  });
  const pool = [...packaged];
  LISTED_ONLY_RANKS.forEach((rank, i) => pool.splice(rank - 1, 0, listedOnly[i]!));
  return pool;
}
