/**
 * The office benchmark's yardsticks (bench/office/): the trace is the same for the same seed,
 * and on a tiny hand-made web and day the no-extension baseline pays once per browser and per
 * top-level site (the HTTP cache's partitions), while the minimum pays each unique file once.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { yardsticks } from '../../../bench/office/baseline.ts';
import { officeTrace, type OfficeTrace, type OfficeWeb, type WebFile, type WebPage } from '../../../bench/office/trace.ts';

function file(url: string, text: string): WebFile {
  const bytes = new TextEncoder().encode(text);
  return { url, kind: 'library', size: bytes.length, headers: {}, bytes: () => bytes, digest: () => createHash('sha384').update(bytes).digest('base64') };
}

describe('the office trace', () => {
  it('is the same for the same seed, byte for byte, and differs for another seed', () => {
    const a = officeTrace({ seed: 7, browsers: 5 });
    const b = officeTrace({ seed: 7, browsers: 5 });
    const summary = (t: OfficeTrace) => ({
      browsers: t.browsers.map((x) => ({ engine: x.engine, views: x.views.map((v) => [Math.round(v.at * 1000), v.page.url]) })),
      files: [...t.web.files.values()].map((f) => [f.url, f.size, f.headers, f.digest()]),
      sites: t.web.sites.map((s) => [s.host, s.csp, s.pages.map((p) => p.requests)]),
    });
    expect(summary(a)).toEqual(summary(b));
    expect(summary(officeTrace({ seed: 8, browsers: 5 })).browsers).not.toEqual(summary(a).browsers);
  });

  it("gives N=10 the first ten browsers of N=50's office, with 40% Firefox in each", () => {
    const ten = officeTrace({ browsers: 10 });
    const fifty = officeTrace({ browsers: 50, web: ten.web });
    expect(fifty.browsers.slice(0, 10)).toEqual(ten.browsers);
    expect(ten.browsers.filter((b) => b.engine === 'firefox')).toHaveLength(4);
    expect(fifty.browsers.filter((b) => b.engine === 'firefox')).toHaveLength(20);
  });

  it('loads only files the web describes, with the sizes the issue asks for', () => {
    const t = officeTrace({ browsers: 3 });
    const ranges: Partial<Record<string, [number, number]>> = { bundle: [50_000, 500_000], image: [10_000, 300_000], font: [20_000, 100_000] };
    for (const f of t.web.files.values()) {
      expect(f.bytes().length).toBe(f.size);
      expect(f.headers['content-length']).toBe(String(f.size));
      const range = ranges[f.kind];
      if (range) expect(f.size >= range[0] && f.size <= range[1], `${f.url}: ${f.size} bytes`).toBe(true);
    }
    for (const b of t.browsers) for (const v of b.views) for (const q of v.page.requests) expect(t.web.files.has(q.url)).toBe(true);
  });
});

describe('the yardsticks on a hand-made office', () => {
  // jQuery at two CDN URLs (the same bytes), a site's own bundle, and one image per site.
  const jqA = file('https://cdn.example/jquery.js', 'x'.repeat(1000));
  const jqB = file('https://other-cdn.example/jquery.js', 'x'.repeat(1000));
  const bundle = file('https://a.test/app.js', 'a'.repeat(300));
  const imgA = file('https://a.test/img.jpg', 'i'.repeat(50));
  const imgB = file('https://b.test/img.jpg', 'j'.repeat(70));
  const page = (site: string, urls: string[]): WebPage => ({ url: `https://${site}/`, site, htmlBytes: 10, requests: urls.map((url) => ({ url, destination: 'script', mode: 'no-cors' })) });
  const pageA = page('a.test', [jqA.url, bundle.url, imgA.url]);
  const pageB = page('b.test', [jqA.url, imgB.url]);
  const pageB2 = page('b.test', [jqB.url]);
  const web: OfficeWeb = {
    seed: 0,
    files: new Map([jqA, jqB, bundle, imgA, imgB].map((f) => [f.url, f])),
    sites: [{ host: 'a.test', csp: undefined, pages: [pageA] }, { host: 'b.test', csp: undefined, pages: [pageB, pageB2] }],
  };
  const trace: OfficeTrace = {
    web,
    daySeconds: 100,
    browsers: [
      // A, then B: jQuery again (another partition), then A again (all cached), then B2 (a new URL for jQuery's bytes).
      { id: 0, engine: 'chromium', views: [{ at: 1, page: pageA }, { at: 2, page: pageB }, { at: 3, page: pageA }, { at: 4, page: pageB2 }] },
      // Only B, twice.
      { id: 1, engine: 'firefox', views: [{ at: 1, page: pageB }, { at: 5, page: pageB }] },
    ],
  };

  it('without an extension, each browser pays once per top-level site for each URL', () => {
    const y = yardsticks(trace);
    expect(y.noExtensionPerView.map((v) => v.map((x) => x.bytes))).toEqual([
      [1000 + 300 + 50, 1000 + 70, 0, 1000],
      [1000 + 70, 0],
    ]);
    expect(y.noExtension).toBe(1350 + 1070 + 1000 + 1070);
    // A view that fetches nothing still loads its document: one round trip and its bytes.
    expect(y.noExtensionPerView[0]![2]!.loadMs).toBeGreaterThan(40);
    expect(y.noExtensionPerView[0]![0]!.loadMs).toBeGreaterThan(y.noExtensionPerView[0]![2]!.loadMs);
  });

  it('the minimum pays each unique file once for the whole office, whatever URL serves it', () => {
    const y = yardsticks(trace, (f) => f.url === jqA.url);
    expect(y.uniqueFiles).toBe(4);
    expect(y.minimum).toBe(1000 + 300 + 50 + 70);
    // Packaged: jQuery's bytes ship in the extension, whichever URL loads them.
    expect(y.minimumPackaged).toBe(1000);
  });
});
