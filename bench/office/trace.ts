// The office's day, from a seed (issue 12, item 3b): N browsers, each a Chromium or a Firefox
// (60/40), each with a sequence of page views over a working day. Sites are chosen by Zipf
// popularity (s = 1) times a personal taste, pages within a site by Zipf; a visit often goes on
// to a few more pages of the same site. Browser i's day depends only on the seed and i, so the
// first ten browsers of N=50 are N=10's browsers.
//
// The web itself (sites, pages, files, headers, bytes) is web.ts; both are exported here.
import { gaussian, intIn, pick, seeded, seedOf, zipfWeights } from './prng.ts';
import { officeWeb, type OfficeWeb, type WebPage } from './web.ts';

export * from './web.ts';

export type Engine = 'chromium' | 'firefox';

export interface PageView {
  /** Seconds since the start of the day (8:30). */
  readonly at: number;
  readonly page: WebPage;
}

export interface SimBrowser {
  readonly id: number;
  readonly engine: Engine;
  /** In time order. */
  readonly views: readonly PageView[];
}

export interface OfficeTrace {
  readonly web: OfficeWeb;
  readonly browsers: readonly SimBrowser[];
  /** Length of the day in seconds. */
  readonly daySeconds: number;
}

export const TRACE_DEFAULTS = {
  seed: 12,
  browsers: 10,
  firefoxShare: 0.4,
  /** Page views per browser and day: uniform in this range. */
  viewsPerDay: [20, 40] as const,
  /** After a view, the chance that the next is another page of the same site, soon. */
  samesiteNext: 0.5,
  /** Zipf exponent of site popularity. */
  zipf: 1,
  /** Spread of personal taste: each site's weight times exp(taste * normal). */
  taste: 1,
};

const DAY = 9 * 3600;

/** The day of `browsers` browsers on `web` (built from the seed when not given). */
export function officeTrace(options: Partial<typeof TRACE_DEFAULTS> & { web?: OfficeWeb } = {}): OfficeTrace {
  const o = { ...TRACE_DEFAULTS, ...options };
  const web = options.web ?? officeWeb(o.seed);
  const popularity = zipfWeights(web.sites.length, o.zipf);
  const browsers: SimBrowser[] = [];
  for (let id = 0; id < o.browsers; id++) {
    const r = seeded(seedOf('browser', o.seed, id));
    // Exactly the share in every prefix of the office: browser i is a Firefox when the running
    // count of Firefoxes steps up at i.
    const engine = Math.floor((id + 1) * o.firefoxShare) > Math.floor(id * o.firefoxShare) ? 'firefox' : 'chromium';
    const taste = popularity.map((w) => w * Math.exp(o.taste * gaussian(r)));
    const count = intIn(r, o.viewsPerDay[0], o.viewsPerDay[1]);
    // Arrives between 8:30 and 9:30, leaves 8 to 9 hours later; visits start at random moments.
    const arrive = r() * 3600;
    const leave = Math.min(DAY, arrive + 8 * 3600 + r() * 3600);
    const views: PageView[] = [];
    while (views.length < count) {
      let at = arrive + r() * (leave - arrive);
      const site = web.sites[pick(r, taste)]!;
      const pageWeights = zipfWeights(site.pages.length);
      // A visit: the first page (often the home page), then maybe more pages of the site.
      let page = r() < 0.5 ? site.pages[0]! : site.pages[pick(r, pageWeights)]!;
      for (;;) {
        views.push({ at, page });
        if (views.length >= count || r() >= o.samesiteNext) break;
        at += 20 + r() * 100;
        page = site.pages[pick(r, pageWeights)]!;
      }
    }
    views.sort((a, b) => a.at - b.at);
    browsers.push({ id, engine, views });
  }
  return { web, browsers, daySeconds: DAY };
}
