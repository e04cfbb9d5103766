// The packaged popular set (issue 9, part 2): the most used listed files ship inside the
// extension under extension/pkg/<name>@<version>/<path>, so a first visit is answered by a
// redirect rule that exists before any page loads (platform-notes.md: the only mechanism
// measured safe on a first view). Chosen by real use, within a byte budget:
// - rank: evidence rows in the order of RANKED_SOURCES: first the snippets jQuery, Bootstrap
//   and Font Awesome publish (the web's most pervasive libraries), then cdnjs's file (the union
//   of its monthly top-100 by requests, in that order), then Google Hosted Libraries; the
//   first binding of a file wins;
// - a stylesheet comes with the files its relative url()s name, in the package's own layout,
//   so they resolve to packaged files too; if one cannot ship, the stylesheet does not either;
// - module scripts are left out: their relative imports would resolve inside the extension.
import { posix } from 'node:path';
import type { HashListFileRef } from '../../src/core/hash-list/index.ts';
import { findModuleSyntax } from '../../src/core/serving/js-scan.ts';
import type { EvidenceBinding } from './evidence.ts';

/** Evidence sources that say how much a file is used, most telling first. */
export const RANKED_SOURCES: readonly string[] = ['official-sri.json', 'cdnjs-hashes.csv', 'google-hosted-libraries-hashes.csv'];

/** Default budget: docs/COVERAGE.md shows why (12 MiB answers 76 of the 78 bindable rows of cdnjs's top list; 8 MiB 48, 17 MiB 78). */
export const DEFAULT_PACKAGED_BUDGET_BYTES = 12 * 1024 * 1024;

// Font formats neither Chromium nor Firefox loads: a `src` entry with one of these hints is
// skipped (CSS Fonts 4 §4.3.1), so its file need not ship.
const UNSUPPORTED_FONT_FORMATS = new Set(['embedded-opentype', 'svg']);

/** One file chosen, with its bytes. */
export interface PackagedChoice extends HashListFileRef {
  readonly data: Uint8Array;
  /** The evidence URL that ranked it, or the stylesheet that needs it. */
  readonly reason: string;
}

/** What was chosen and what was passed over. */
export interface PackagedSet {
  readonly files: PackagedChoice[];
  readonly bytes: number;
  readonly skipped: Array<{ ref: string; why: string }>;
}

/** Reads one file of a package version, or undefined if the tarball has no such file. */
export type FileReader = (ref: HashListFileRef) => Uint8Array | undefined;

/** Choose the packaged set from ranked bindings within `budget` bytes. */
export function choosePackagedSet(bindings: readonly EvidenceBinding[], read: FileReader, budget: number): PackagedSet {
  const ranked = RANKED_SOURCES.flatMap((source) => bindings.filter((b) => b.source === source));
  const files: PackagedChoice[] = [];
  const taken = new Set<string>();
  const skipped: PackagedSet['skipped'] = [];
  let bytes = 0;
  for (const binding of ranked) {
    const id = refId(binding);
    if (taken.has(id)) continue;
    const group = withDependencies(binding, read);
    if (typeof group === 'string') {
      skipped.push({ ref: id, why: group });
      taken.add(id);
      continue;
    }
    const fresh = group.filter((f) => !taken.has(refId(f)));
    const size = fresh.reduce((n, f) => n + f.data.length, 0);
    if (bytes + size > budget) {
      skipped.push({ ref: id, why: `over budget (${size} bytes)` });
      continue;
    }
    for (const f of fresh) {
      taken.add(refId(f));
      files.push({ ...f, reason: f === group[0] ? binding.url : `needed by ${binding.path}` });
    }
    bytes += size;
  }
  return { files, bytes, skipped };
}

function withDependencies(ref: HashListFileRef, read: FileReader): Array<HashListFileRef & { data: Uint8Array }> | string {
  const data = read(ref);
  if (data === undefined) return 'not in the tarball';
  const head = { packageName: ref.packageName, version: ref.version, path: ref.path, data };
  const ext = posix.extname(ref.path).toLowerCase();
  if (ext === '.js' || ext === '.mjs') {
    return findModuleSyntax(new TextDecoder().decode(data)) === null ? [head] : 'module script';
  }
  if (ext !== '.css') return [head];
  const group = [head];
  const dir = posix.dirname(ref.path);
  for (const reference of fetchedReferences(new TextDecoder().decode(data))) {
    const path = posix.normalize(posix.join(dir, reference));
    if (path.startsWith('../')) return `${reference} leaves the package`;
    const dep = read({ ...ref, path });
    if (dep === undefined) return `${reference} is not in the package`;
    if (!group.some((f) => f.path === path)) group.push({ ...ref, path, data: dep });
  }
  return group;
}

const URL_FUNCTION = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')/gi;
const FONT_FACE = /@font-face\s*\{([^}]*)\}/gi;
const SRC_DESCRIPTOR = /(?:^|[;{\s])src\s*:([^;]*)/gi;
const FORMAT_HINT = /format\(\s*["']?([^"')]+)["']?\s*\)/i;

/**
 * The relative files a browser may fetch for a stylesheet (paths without query or fragment):
 * every relative url() and @import outside @font-face, and per @font-face the first entry
 * of its last `src` descriptor that Chromium and Firefox can load (they stop there when it
 * loads, which a packaged file does). A tolerant regex reading, good enough for the build's
 * own choice of files: a stylesheet it misreads is refused for a missing file, not broken.
 */
export function fetchedReferences(css: string): string[] {
  const out = new Set<string>();
  const outside = css.replace(FONT_FACE, (_block, body: string) => {
    const sources = [...body.matchAll(SRC_DESCRIPTOR)].at(-1)?.[1] ?? '';
    for (const entry of sources.split(/,(?![^(]*\))/)) {
      const format = FORMAT_HINT.exec(entry)?.[1]?.trim().toLowerCase();
      if (format !== undefined && UNSUPPORTED_FONT_FORMATS.has(format)) continue;
      const url = relativeUrls(entry)[0];
      if (url !== undefined) out.add(url);
      if (url !== undefined || /url\(/i.test(entry)) break;
    }
    return '';
  });
  for (const url of relativeUrls(outside)) out.add(url);
  return [...out];
}

function relativeUrls(css: string): string[] {
  const out: string[] = [];
  for (const m of css.matchAll(URL_FUNCTION)) {
    const raw = (m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5] ?? '').trim();
    if (raw === '' || raw.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(raw) || raw.startsWith('//') || raw.startsWith('/')) continue;
    const path = raw.split(/[?#]/)[0]!;
    if (path !== '') out.push(decodeURIComponent(path));
  }
  return out;
}

function refId(ref: HashListFileRef): string {
  return `${ref.packageName}@${ref.version}/${ref.path}`;
}
