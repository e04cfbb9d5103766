/**
 * Rules for the packaged popular set (issue 9): every listed URL of a file that ships inside
 * the extension redirects to that file. Written by the build into a STATIC ruleset
 * (`rules/packaged.json`), so the rules exist from install on, before any page or worker runs:
 * the one first-visit mechanism measured safe (platform-notes.md, "Serving a site's FIRST page
 * view": served 20/20 with the worker asleep, SRI intact, the page's CSP judging the original
 * URL and not the extension target). The same bytes, from a CDN that lets any origin read
 * them, so CORS-mode requests get the outcome the network gives.
 *
 * Exact `urlFilter`s (`|url|`), one rule per URL: a static ruleset may hold 30,000 rules and
 * regex rules are capped at 1,000, so one plain rule per URL is the cheapest exact match.
 * Priority {@link PACKAGED_PRIORITY} is above the `data:` gate: a packaged answer does not
 * depend on the page's CSP. Sites PeerCache must not act on get `allow` rules above that
 * ({@link SITE_EXCLUSION_PRIORITY}, site-exclusion.ts).
 */
import { classifyContentType, type AssetType } from '../../../core/admission/asset-type.ts';
import { contentTypeForPath } from '../../../core/hash-list/index.ts';
import type { PackagedFile } from '../../../core/hash-list/index.ts';
import { GATE_PRIORITY } from './rules.ts';
import type { DnrResourceType, DnrRule } from './types.ts';
import { exactUrlFilter } from './url-regex.ts';

/** Above every gate rule: a packaged file is served whatever the page's CSP says of `data:`. */
export const PACKAGED_PRIORITY = GATE_PRIORITY + 1;
/** Rules that keep PeerCache away from a site win over packaged redirects. */
export const SITE_EXCLUSION_PRIORITY = PACKAGED_PRIORITY + 1;
/** The static ruleset's id in the manifest. */
export const PACKAGED_RULESET_ID = 'packaged';
/** Where the build writes it, inside the extension. */
export const PACKAGED_RULESET_PATH = 'rules/packaged.json';

// The request types a packaged file answers. Every CDN the list binds (jsDelivr, unpkg, cdnjs,
// Google Hosted Libraries, Microsoft's Ajax CDN, code.jquery.com, BootstrapCDN) answers with
// `Access-Control-Allow-Origin: *`, so an anonymous CORS request (a `crossorigin` tag, every
// font) succeeds on the network too. Not `xmlhttprequest`: a fetch() with
// `credentials: 'include'` fails against a wildcard on the network, yet Chromium 156 answers it
// from a web-accessible resource (measured), and DNR cannot see a request's credentials mode.
// A `crossorigin="use-credentials"` tag has the same residual difference; no page loads a
// public library that way.
const RESOURCE_TYPES: Readonly<Record<AssetType, readonly DnrResourceType[]>> = {
  script: ['script'],
  style: ['stylesheet'],
  font: ['font'],
  image: ['image'],
  wasm: [],
};

/**
 * The static rules for `files`, numbered from 1, and the URLs no exact rule can match (they
 * hold `*`, `^` or `|`, which urlFilter treats as syntax).
 */
export function buildPackagedRules(files: readonly PackagedFile[]): { rules: DnrRule[]; skipped: string[] } {
  const rules: DnrRule[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    const kind = classifyContentType(contentTypeForPath(file.extensionPath));
    if (kind === null) continue;
    const resourceTypes = [...RESOURCE_TYPES[kind]];
    if (resourceTypes.length === 0) continue;
    for (const url of file.urls) {
      // Two packaged files with the same bytes share URLs: the first (list order) answers.
      if (seen.has(url)) continue;
      seen.add(url);
      const urlFilter = exactUrlFilter(url);
      if (urlFilter === null) {
        skipped.push(url);
        continue;
      }
      rules.push({
        id: rules.length + 1,
        priority: PACKAGED_PRIORITY,
        action: { type: 'redirect', redirect: { extensionPath: `/${file.extensionPath.split('/').map(encodeSegment).join('/')}` } },
        condition: { urlFilter, isUrlFilterCaseSensitive: true, resourceTypes, requestMethods: ['get'] },
      });
    }
  }
  return { rules, skipped };
}

function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/%40/g, '@');
}
