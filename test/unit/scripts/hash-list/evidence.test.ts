import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { candidatesFor, indexFiles, matchEvidence, readEvidence, type EvidenceRow } from '../../../../scripts/hash-list/evidence.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function row(url: string, text: string, source = 'test.csv'): EvidenceRow {
  return { url, algorithm: 'sha256', hex: sha256(text), source, candidates: candidatesFor(url) };
}

describe('evidence', () => {
  it('guesses where to look from the URL shapes of cdnjs, Google and Microsoft', () => {
    expect(candidatesFor('https://cdnjs.cloudflare.com/ajax/libs/twitter-bootstrap/3.3.7/css/bootstrap.min.css')).toEqual([{ packageName: 'bootstrap', version: '3.3.7' }]);
    expect(candidatesFor('https://ajax.googleapis.com/ajax/libs/jquery/3.7.1/jquery.min.js')).toEqual([{ packageName: 'jquery', version: '3.7.1' }]);
    expect(candidatesFor('https://ajax.aspnetcdn.com/ajax/jQuery/jquery-3.7.1.min.js')).toEqual([{ packageName: 'jquery', version: '3.7.1' }]);
    expect(candidatesFor('https://ajax.aspnetcdn.com/ajax/bootstrap/4.5.2/bootstrap.min.js')).toEqual([{ packageName: 'bootstrap', version: '4.5.2' }]);
    expect(candidatesFor('https://ajax.googleapis.com/ajax/libs/jqueryui/1.13.2/jquery-ui.min.js').map((c) => c.packageName)).toEqual(['jquery-ui', 'jquery-ui-dist']);
    expect(candidatesFor('https://example.test/jquery.js')).toEqual([]);
  });

  it('binds a URL only to a file with the same digest, preferring the file named like the URL', () => {
    const files = indexFiles(
      [
        { path: 'build/release/jquery.min.js', data: bytes('JQ') },
        { path: 'dist/jquery.min.js', data: bytes('JQ') },
        { path: 'dist/jquery.js', data: bytes('jq full') },
      ],
      ['sha256'],
    );
    const url = 'https://ajax.googleapis.com/ajax/libs/jquery/3.7.1/jquery.min.js';
    const { bindings, unmatched } = matchEvidence([row(url, 'JQ'), row(url.replace('min.js', 'slim.js'), 'other bytes')], () => files);
    expect(bindings).toEqual([{ packageName: 'jquery', version: '3.7.1', url, path: 'dist/jquery.min.js', source: 'test.csv' }]);
    expect(unmatched.map((u) => u.reason)).toEqual(['no-matching-file']);
  });

  it('binds nothing for a version npm does not have, or when two pieces of evidence disagree', () => {
    const files = indexFiles([{ path: 'dist/jquery.min.js', data: bytes('JQ') }], ['sha256']);
    const url = 'https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js';
    const missing = matchEvidence([row(url, 'JQ')], () => undefined);
    expect(missing.bindings).toEqual([]);
    expect(missing.unmatched[0]?.reason).toBe('no-such-version');
    const conflict = matchEvidence([row(url, 'JQ', 'a.csv'), row(url, 'changed since', 'b.csv')], () => files);
    expect(conflict.bindings).toEqual([]);
    expect(conflict.unmatched.map((u) => u.reason)).toEqual(['conflicting-evidence']);
  });

  it('reads the shipped evidence: every CSV row is a URL and a SHA-256, the one known bad line is skipped', () => {
    const { rows, malformed } = readEvidence();
    expect(rows.length).toBeGreaterThan(3000);
    expect(malformed).toHaveLength(1);
    expect(rows.every((r) => /^[0-9a-f]+$/.test(r.hex))).toBe(true);
    const official = rows.filter((r) => r.source === 'official-sri.json');
    expect(official.some((r) => r.url === 'https://code.jquery.com/jquery-3.7.1.min.js')).toBe(true);
  });
});
