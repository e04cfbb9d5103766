import { describe, expect, it } from 'vitest';
import type { EvidenceBinding } from '../../../../scripts/hash-list/evidence.ts';
import { choosePackagedSet, fetchedReferences, type FileReader } from '../../../../scripts/hash-list/packaged-set.ts';

const FA_CSS = `@font-face{font-family:'FontAwesome';src:url('../fonts/fa.eot?v=4.7.0');src:url('../fonts/fa.eot?#iefix&v=4.7.0') format('embedded-opentype'),url('../fonts/fa.woff2?v=4.7.0') format('woff2'),url('../fonts/fa.woff?v=4.7.0') format('woff'),url('../fonts/fa.svg?v=4.7.0#fa') format('svg')}.x{background:url(../img/bg.png)}.y{background:url(data:image/png;base64,AAAA)}`;

describe('the packaged set', () => {
  it('finds the files a browser fetches for a stylesheet: the first loadable font source and every other relative url', () => {
    expect(fetchedReferences(FA_CSS).sort()).toEqual(['../fonts/fa.woff2', '../img/bg.png']);
    expect(fetchedReferences('@import "theme.css"; a{b:url(https://cdn.test/x.png)}')).toEqual(['theme.css']);
  });

  const files: Record<string, string> = {
    'css/fa.css': FA_CSS,
    'fonts/fa.woff2': 'w2',
    'img/bg.png': 'png',
    'js/a.js': 'var a = 1;',
    'js/m.js': 'export const m = 1;',
    'css/broken.css': 'a{b:url(../missing.png)}',
  };
  const read: FileReader = (ref) => (ref.path in files ? new TextEncoder().encode(files[ref.path]) : undefined);
  const bind = (path: string, source = 'cdnjs-hashes.csv'): EvidenceBinding => ({ packageName: 'lib', version: '1.0.0', path, url: `https://cdn.test/${path}`, source });

  it('ships a stylesheet with the files it needs, in order of use, within the budget', () => {
    const set = choosePackagedSet([bind('css/fa.css'), bind('js/a.js')], read, 1 << 20);
    expect(set.files.map((f) => f.path)).toEqual(['css/fa.css', 'fonts/fa.woff2', 'img/bg.png', 'js/a.js']);
    const tight = choosePackagedSet([bind('css/fa.css'), bind('js/a.js')], read, 20);
    expect(tight.files.map((f) => f.path)).toEqual(['js/a.js']);
    expect(tight.skipped[0]?.why).toMatch(/over budget/);
  });

  it('leaves out a stylesheet whose file is missing, module scripts, and unranked sources', () => {
    const set = choosePackagedSet([bind('css/broken.css'), bind('js/m.js'), bind('js/a.js', 'npm-popular-hashes.csv')], read, 1 << 20);
    expect(set.files).toEqual([]);
    expect(set.skipped.map((s) => s.why)).toEqual(['../missing.png is not in the package', 'module script']);
  });
});
