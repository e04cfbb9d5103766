import { describe, expect, it } from 'vitest';
import {
  HashListConfigError,
  configHash,
  serializeConfig,
  validateConfig,
  type HashListConfig,
} from '../../../../scripts/hash-list/config.ts';
import { chooseVersions } from '../../../../scripts/hash-list/refresh.ts';
import { compareVersions, isStable } from '../../../../scripts/hash-list/semver.ts';

describe('compareVersions', () => {
  it('orders by SemVer precedence, not as text', () => {
    // The example of SemVer 2.0.0 §11.4, then majors that sort wrongly as text.
    const ordered = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11'];
    ordered.push('1.0.0-rc.1', '1.0.0', '2.0.0', '10.0.0');
    expect([...ordered].reverse().sort(compareVersions)).toEqual(ordered);
  });

  it('knows a release from a pre-release and refuses ranges', () => {
    expect(isStable('3.7.1')).toBe(true);
    expect(isStable('4.0.0-rc.1')).toBe(false);
    expect(isStable('^3.7.1')).toBe(false);
    expect(() => compareVersions('3', '3.7.1')).toThrow(RangeError);
  });
});

describe('chooseVersions', () => {
  const registry = {
    versions: ['3.5.0', '3.5.1', '3.6.0', '3.6.4', '3.7.0', '3.7.1', '4.0.0-rc.1', '4.0.0', '4.0.1', '5.0.0'],
    distTags: { latest: '4.0.1', next: '5.0.0' },
  };

  it('takes the newest patch of each of the newest minor lines, at or below latest', () => {
    expect(chooseVersions(registry, 3)).toEqual(['4.0.1', '3.7.1', '3.6.4']);
  });

  it('tops up with further patches when there are fewer lines than asked', () => {
    expect(chooseVersions({ versions: ['1.0.0', '1.0.1', '1.0.2', '1.1.0'], distTags: { latest: '1.1.0' } }, 3)).toEqual([
      '1.1.0', '1.0.2', '1.0.1',
    ]);
  });

  it('keeps pinned versions and refuses ones that were never published', () => {
    expect(chooseVersions(registry, 2, ['3.5.1'])).toEqual(['4.0.1', '3.7.1', '3.5.1']);
    expect(() => chooseVersions(registry, 2, ['3.9.9'])).toThrow(/not published/);
  });
});

describe('the configuration', () => {
  const config: HashListConfig = {
    versionsPerPackage: 3,
    exclude: ['**/test/**'],
    packages: { lib: { versions: ['1.0.0', '2.0.0'] }, '@scope/pkg': { versions: ['1.0.0'], keep: ['1.0.0'] } },
  };

  it('has one canonical text, so its hash ignores order', () => {
    const packages = { '@scope/pkg': config.packages['@scope/pkg']!, lib: { versions: ['2.0.0', '1.0.0'] } };
    const reordered: HashListConfig = { ...config, packages };
    expect(serializeConfig(reordered)).toBe(serializeConfig(config));
    expect(configHash(reordered)).toBe(configHash(config));
    expect(configHash(config)).toMatch(/^sha256-[0-9a-f]{64}$/);
  });

  it.each([
    ['a range', { ...config, packages: { lib: { versions: ['^1.0.0'] } } }],
    ['a bad package name', { ...config, packages: { 'Not Valid': { versions: ['1.0.0'] } } }],
    ['a kept version that is not pinned', { ...config, packages: { lib: { versions: ['1.0.0'], keep: ['2.0.0'] } } }],
    ['duplicate versions', { ...config, packages: { lib: { versions: ['1.0.0', '1.0.0'] } } }],
    ['no exclude list', { versionsPerPackage: 3, packages: {} }],
    ['a bad versionsPerPackage', { ...config, versionsPerPackage: 0 }],
  ])('refuses %s', (_label, json) => {
    expect(() => validateConfig(json)).toThrow(HashListConfigError);
  });
});
