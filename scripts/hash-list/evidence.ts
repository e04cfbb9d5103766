// Evidence that a CDN URL serves the bytes of one npm file (issue 9: "bind a URL to bytes only
// with evidence"). Two kinds, both kept in scripts/hash-list/evidence/:
// - CSV files of SHA-256 digests of real CDN responses (cdnjs, Google Hosted Libraries,
//   Microsoft's Ajax CDN; copied unchanged from shared/data/cdn-hashes, whose README says how
//   each was made): a URL is bound to the npm file whose SHA-256 equals the CDN's.
// - official-sri.json: integrity values projects publish for their own CDN URLs
//   (code.jquery.com, BootstrapCDN), which every page that copies them depends on.
// Which npm package and version to look in is guessed from the URL (`candidatesFor`); the
// guess only says where to look: the digest decides, so a wrong guess binds nothing.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isAliasUrl, isExactVersion, isPackageName } from '../../src/core/hash-list/index.ts';

/** One piece of evidence: a URL and the digest of the bytes it serves. */
export interface EvidenceRow {
  readonly url: string;
  readonly algorithm: 'sha256' | 'sha384' | 'sha512';
  /** Lowercase hex digest. */
  readonly hex: string;
  /** Evidence file it came from. */
  readonly source: string;
  /** Where to look for the bytes; from the evidence itself, or guessed from the URL. */
  readonly candidates: readonly Candidate[];
}

/** An npm package version that may hold the bytes of a URL. */
export interface Candidate {
  readonly packageName: string;
  readonly version: string;
}

/** The evidence folder shipped with the scripts. */
export const EVIDENCE_DIR = join(import.meta.dirname, 'evidence');

const CSV_ROW = /^(https:\/\/[^,]+),([0-9a-f]{64})$|^([0-9a-f]{64}),(https:\/\/[^,]+)$/;

/** Every evidence row of the folder, and the lines that were not evidence (malformed). */
export function readEvidence(dir: string = EVIDENCE_DIR): { rows: EvidenceRow[]; malformed: string[] } {
  const rows: EvidenceRow[] = [];
  const malformed: string[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (file.endsWith('.csv')) {
      const lines = readFileSync(join(dir, file), 'utf8').split('\n').slice(1);
      for (const line of lines) {
        if (line === '') continue;
        const m = CSV_ROW.exec(line);
        if (m === null) {
          malformed.push(`${file}: ${line}`);
          continue;
        }
        const url = m[1] ?? m[4]!;
        rows.push({ url, algorithm: 'sha256', hex: m[2] ?? m[3]!, source: file, candidates: candidatesFor(url) });
      }
    } else if (file.endsWith('.json')) {
      rows.push(...readOfficialSri(join(dir, file), file));
    }
  }
  return { rows, malformed };
}

interface OfficialSriEntry {
  url: string;
  integrity: string;
  package: string;
  version: string;
  hosts?: string[];
}

function readOfficialSri(path: string, file: string): EvidenceRow[] {
  const { entries } = JSON.parse(readFileSync(path, 'utf8')) as { entries: OfficialSriEntry[] };
  const rows: EvidenceRow[] = [];
  for (const entry of entries) {
    const dash = entry.integrity.indexOf('-');
    const algorithm = entry.integrity.slice(0, dash) as EvidenceRow['algorithm'];
    const hex = Buffer.from(entry.integrity.slice(dash + 1), 'base64').toString('hex');
    const url = new URL(entry.url);
    for (const host of entry.hosts ?? [url.host]) {
      rows.push({
        url: `https://${host}${url.pathname}`,
        algorithm,
        hex,
        source: file,
        candidates: [{ packageName: entry.package, version: entry.version }],
      });
    }
  }
  return rows;
}

// cdnjs and Google name libraries their own way; these are the npm packages that publish
// the same files. Anything not here is tried under its own (lowercased) name.
const LIBRARY_PACKAGES: Readonly<Record<string, readonly string[]>> = {
  'twitter-bootstrap': ['bootstrap'],
  'font-awesome': ['font-awesome', '@fortawesome/fontawesome-free'],
  'angular.js': ['angular'],
  angularjs: ['angular'],
  'moment.js': ['moment'],
  'lodash.js': ['lodash'],
  'underscore.js': ['underscore'],
  'popper.js': ['popper.js', '@popperjs/core'],
  jqueryui: ['jquery-ui', 'jquery-ui-dist'],
  'jquery.ui': ['jquery-ui', 'jquery-ui-dist'],
  d3js: ['d3'],
  webfont: ['webfontloader'],
  owlcarousel2: ['owl.carousel'],
  fancybox: ['@fancyapps/fancybox'],
  'magnific-popup.js': ['magnific-popup'],
  threejs: ['three'],
  'jquery.validate': ['jquery-validation'],
  'jquery-validate': ['jquery-validation'],
  bodymovin: ['lottie-web'],
  'jquery-cookie': ['jquery.cookie'],
  'jqueryui-touch-punch': ['jquery-ui-touch-punch'],
  'model-viewer': ['@google/model-viewer'],
  'slick-carousel': ['slick-carousel'],
  'chart.js': ['chart.js'],
  'video.js': ['video.js'],
  'hls.js': ['hls.js'],
  'highlight.js': ['@highlightjs/cdn-assets', 'highlight.js'],
  'select2': ['select2'],
  'toastr.js': ['toastr'],
  'sweetalert2': ['sweetalert2'],
};

// cdnjs and Google: /ajax/libs/<lib>/<version>/<path>. Microsoft: /ajax/<lib>/<version>/<path>
// or /ajax/<lib>/<name>-<version>[.min].js.
const LIBS_PATH = /^https:\/\/(?:cdnjs\.cloudflare\.com|ajax\.googleapis\.com)\/ajax\/libs\/([^/]+)\/([^/]+)\//;
const MICROSOFT_PATH = /^https:\/\/ajax\.aspnetcdn\.com\/ajax\/([^/]+)\/(?:([^/]+)\/|[^/]*?-(\d+(?:\.\d+){1,2}(?:-[0-9A-Za-z.-]+?)?)(?:\.min|\.slim|\.debug)*\.js$)/;

/** The npm package versions that may hold the bytes `url` serves, best guess first. */
export function candidatesFor(url: string): Candidate[] {
  let lib: string | undefined;
  let version: string | undefined;
  const libs = LIBS_PATH.exec(url);
  const microsoft = libs === null ? MICROSOFT_PATH.exec(url) : null;
  if (libs !== null) [, lib, version] = libs;
  else if (microsoft !== null) {
    lib = microsoft[1];
    version = microsoft[2] ?? microsoft[3];
  }
  if (lib === undefined || version === undefined) return [];
  const exact = isExactVersion(version) ? version : isExactVersion(`${version}.0`) ? `${version}.0` : undefined;
  if (exact === undefined) return [];
  const names = LIBRARY_PACKAGES[lib.toLowerCase()] ?? [lib.toLowerCase()];
  return names.filter(isPackageName).map((packageName) => ({ packageName, version: exact }));
}

/** A URL evidence binds to one file of one npm version. */
export interface EvidenceBinding extends Candidate {
  readonly url: string;
  readonly path: string;
  readonly source: string;
}

/** Files of one npm version, by the hex digest of each algorithm evidence uses. */
export type FilesByDigest = (algorithm: EvidenceRow['algorithm'], hex: string) => readonly string[];

/** Index one tarball's files by their hex digest under each of `algorithms` (the bytes are not kept). */
export function indexFiles(
  files: ReadonlyArray<{ path: string; data: Uint8Array }>,
  algorithms: Iterable<EvidenceRow['algorithm']>,
): FilesByDigest {
  const indexes = new Map<string, Map<string, string[]>>();
  for (const algorithm of algorithms) {
    const index = new Map<string, string[]>();
    for (const { path, data } of files) {
      const digest = createHash(algorithm).update(data).digest('hex');
      const paths = index.get(digest);
      if (paths === undefined) index.set(digest, [path]);
      else paths.push(path);
    }
    indexes.set(algorithm, index);
  }
  return (algorithm, hex) => indexes.get(algorithm)?.get(hex) ?? [];
}

/** Why a row bound nothing. */
export type Unmatched = 'no-candidate' | 'no-such-version' | 'no-matching-file' | 'not-an-alias-url' | 'conflicting-evidence';

/**
 * Match every row against the files of its candidate versions. `filesOf` gives a version's
 * index, or undefined when npm has no such version. When several files of a version have
 * the digest, the one whose name ends like the URL is taken (`dist/jquery.min.js` for
 * `…/jquery.min.js`), else the shortest path: any of them has the same bytes.
 */
export function matchEvidence(
  rows: readonly EvidenceRow[],
  filesOf: (candidate: Candidate) => FilesByDigest | undefined,
): { bindings: EvidenceBinding[]; unmatched: Array<{ row: EvidenceRow; reason: Unmatched }> } {
  const bindings: EvidenceBinding[] = [];
  const unmatched: Array<{ row: EvidenceRow; reason: Unmatched }> = [];
  for (const row of rows) {
    if (!isAliasUrl(row.url)) {
      unmatched.push({ row, reason: 'not-an-alias-url' });
      continue;
    }
    if (row.candidates.length === 0) {
      unmatched.push({ row, reason: 'no-candidate' });
      continue;
    }
    let reason: Unmatched = 'no-such-version';
    let bound = false;
    for (const candidate of row.candidates) {
      const files = filesOf(candidate);
      if (files === undefined) continue;
      const paths = files(row.algorithm, row.hex);
      if (paths.length === 0) {
        reason = 'no-matching-file';
        continue;
      }
      bindings.push({ ...candidate, url: row.url, path: bestPath(paths, row.url), source: row.source });
      bound = true;
      break;
    }
    if (!bound) unmatched.push({ row, reason });
  }
  return dropConflicts(bindings, unmatched);
}

// The same URL in two evidence files (cdnjs's top list and its npm-popular list overlap): one
// binding when both name the same bytes; none when they disagree, since then which bytes the
// CDN serves now is not known.
function dropConflicts(
  bindings: EvidenceBinding[],
  unmatched: Array<{ row: EvidenceRow; reason: Unmatched }>,
): { bindings: EvidenceBinding[]; unmatched: Array<{ row: EvidenceRow; reason: Unmatched }> } {
  const byUrl = new Map<string, EvidenceBinding>();
  const conflicting = new Set<string>();
  for (const b of bindings) {
    const first = byUrl.get(b.url);
    if (first === undefined) byUrl.set(b.url, b);
    else if (first.packageName !== b.packageName || first.version !== b.version || first.path !== b.path) conflicting.add(b.url);
  }
  for (const { row } of unmatched) if (byUrl.has(row.url)) conflicting.add(row.url);
  const kept = [...byUrl.values()].filter((b) => !conflicting.has(b.url));
  const conflicts = [...conflicting].map((url) => {
    const { source } = byUrl.get(url)!;
    return { row: { url, algorithm: 'sha256' as const, hex: '', source, candidates: [] }, reason: 'conflicting-evidence' as const };
  });
  return { bindings: kept, unmatched: [...unmatched.filter(({ row }) => !conflicting.has(row.url)), ...conflicts] };
}

function bestPath(paths: readonly string[], url: string): string {
  const name = url.slice(url.lastIndexOf('/') + 1);
  const sorted = [...paths].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  return sorted.find((p) => p === name || p.endsWith(`/${name}`)) ?? sorted[0]!;
}
