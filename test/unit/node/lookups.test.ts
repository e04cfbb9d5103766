import { describe, expect, it } from 'vitest';
import { createLookups } from '../../../src/node/lookups.ts';

describe('lookups at the LAN node', () => {
  it('holds a second asker while the first downloads, and stops taking leases at 2,000 URLs, so made-up URLs cannot grow its memory', async () => {
    let skew = 0;
    const lookups = createLookups({ held: () => undefined, coalesces: () => true, now: () => Date.now() + skew, maxWaitMs: 50 });
    // The first asker of a URL gets the lease; a second one waits for the download (here: in vain).
    expect(await lookups.answer('a', 'https://cdn.example/0.js')).toEqual({});
    const waited = Date.now();
    await lookups.answer('b', 'https://cdn.example/0.js');
    expect(Date.now() - waited).toBeGreaterThanOrEqual(40);
    for (let i = 1; i < 2_000; i++) await lookups.answer('a', `https://cdn.example/${i}.js`);
    // Full: the next URL's first asker gets no lease, so nobody is held up waiting for it.
    expect(await lookups.answer('a', 'https://cdn.example/made-up.js')).toEqual({});
    const started = Date.now();
    expect(await lookups.answer('b', 'https://cdn.example/made-up.js')).toEqual({});
    expect(Date.now() - started).toBeLessThan(40);
    // Leases run out after 8 s, and new ones are taken again.
    skew += 8_001;
    await lookups.answer('a', 'https://cdn.example/new.js');
    const again = Date.now();
    await lookups.answer('b', 'https://cdn.example/new.js');
    expect(Date.now() - again).toBeGreaterThanOrEqual(40);
  });
});
