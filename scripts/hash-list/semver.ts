// Just enough SemVer for choosing versions: exact versions only (the list never holds
// ranges, see src/core/hash-list/names.ts), compared by SemVer 2.0.0 precedence (§11).
import { isExactVersion } from '../../src/core/hash-list/index.ts';

/** An exact version split into its parts. */
export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** Dot-separated pre-release identifiers; empty for a release. */
  readonly prerelease: readonly string[];
}

/** Parse an exact version, or undefined for anything else (ranges, tags, `v1.2.3`). */
export function parseVersion(text: string): Version | undefined {
  if (!isExactVersion(text)) return undefined;
  const dash = text.indexOf('-');
  const core = dash === -1 ? text : text.slice(0, dash);
  const [major, minor, patch] = core.split('.').map(Number) as [number, number, number];
  return { major, minor, patch, prerelease: dash === -1 ? [] : text.slice(dash + 1).split('.') };
}

/** True for a release: an exact version without a pre-release part. */
export function isStable(text: string): boolean {
  return parseVersion(text)?.prerelease.length === 0;
}

/** SemVer precedence of two exact versions: negative if `a` is older. Throws on non-exact input. */
export function compareVersions(a: string, b: string): number {
  const x = mustParse(a);
  const y = mustParse(b);
  const core = x.major - y.major || x.minor - y.minor || x.patch - y.patch;
  if (core !== 0) return core;
  // A release outranks its pre-releases (§11.3).
  if (x.prerelease.length === 0 || y.prerelease.length === 0) return y.prerelease.length - x.prerelease.length;
  for (let i = 0; i < Math.max(x.prerelease.length, y.prerelease.length); i++) {
    const p = x.prerelease[i];
    const q = y.prerelease[i];
    if (p === undefined || q === undefined) return p === undefined ? -1 : 1;
    const order = compareIdentifiers(p, q);
    if (order !== 0) return order;
  }
  return 0;
}

function compareIdentifiers(p: string, q: string): number {
  const pNumeric = /^\d+$/.test(p);
  const qNumeric = /^\d+$/.test(q);
  if (pNumeric && qNumeric) return Number(p) - Number(q);
  if (pNumeric !== qNumeric) return pNumeric ? -1 : 1; // numeric identifiers rank lower (§11.4.3)
  return p < q ? -1 : p > q ? 1 : 0;
}

function mustParse(text: string): Version {
  const version = parseVersion(text);
  if (version === undefined) throw new RangeError(`Not an exact version: ${JSON.stringify(text)}`);
  return version;
}
