import { describe, expect, it } from 'vitest';
import { createSightings, learningVerdict } from '../../../../src/core/serving/learning-cost.ts';

const base = { packaged: false, servable: true, lanSharing: false, sites: 1 };

describe('learning cost', () => {
  it('never downloads a packaged file or one that could never be answered', () => {
    expect(learningVerdict({ ...base, packaged: true, sites: 5, lanSharing: true })).toEqual({ download: false, reason: 'packaged' });
    expect(learningVerdict({ ...base, servable: false, sites: 5 })).toEqual({ download: false, reason: 'never-served' });
  });

  it('never downloads what this browser could not answer anyway, LAN or not (Chromium: no Access-Control-Allow-Origin: *)', () => {
    expect(learningVerdict({ ...base, answerableHere: false, lanSharing: true })).toEqual({ download: false, reason: 'not-answerable-here' });
    expect(learningVerdict({ ...base, answerableHere: false, sites: 2 })).toEqual({ download: false, reason: 'not-answerable-here' });
    expect(learningVerdict({ ...base, answerableHere: true, lanSharing: true })).toEqual({ download: true, reason: 'for-the-lan' });
  });

  it('waits for a second site without a LAN, and downloads at once for the LAN', () => {
    expect(learningVerdict(base)).toEqual({ download: false, reason: 'one-site-so-far' });
    expect(learningVerdict({ ...base, sites: 2 })).toEqual({ download: true, reason: 'shared-by-two-sites' });
    expect(learningVerdict({ ...base, lanSharing: true })).toEqual({ download: true, reason: 'for-the-lan' });
  });

  it('counts distinct sites per URL, bounded, and survives a round trip through JSON', () => {
    const s = createSightings(2);
    expect(s.record('u1', 'a.example')).toBe(1);
    expect(s.record('u1', 'a.example')).toBe(1);
    expect(s.record('u1', 'b.example')).toBe(2);
    expect(s.record('u1', 'c.example')).toBe(2);
    s.record('u2', 'a.example');
    s.record('u3', 'a.example'); // u1 is the least recently seen: forgotten
    const restored = createSightings(2, JSON.parse(JSON.stringify(s)));
    expect(restored.record('u1', 'a.example')).toBe(1);
    expect(createSightings(5, { bad: 'not a list', u: ['a', 3] }).toJSON()).toEqual({});
  });
});
