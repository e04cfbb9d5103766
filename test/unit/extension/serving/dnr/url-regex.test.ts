import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_REGEX_PROGRAM,
  buildUrlRegex,
  escapeRegex,
  factorUrls,
  regexProgramBound,
  urlProblem,
  splitUrlGroups,
  exactUrlFilter,
  alternation,
} from '../../../../../src/extension/serving/dnr/url-regex.ts';

// JS RegExp stands in for RE2: for literals, `^`, `$` and one non-capturing alternation the
// two agree. DNR matches case-sensitively here (isUrlFilterCaseSensitive: true), as JS does.
const compile = (regex: string): RegExp => new RegExp(regex);

describe('escapeRegex', () => {
  it('escapes every metacharacter so the text matches only itself', () => {
    const nasty = String.raw`a.b*c+d?e(f)g[h]i{j}k|l^m$n\o`;
    const escaped = escapeRegex(nasty);
    expect(escaped).toBe(String.raw`a\.b\*c\+d\?e\(f\)g\[h\]i\{j\}k\|l\^m\$n\\o`);
    expect(compile(`^${escaped}$`).test(nasty)).toBe(true);
    expect(compile(`^${escaped}$`).test(nasty.replace('.', 'X'))).toBe(false);
  });

  it('leaves characters that are not metacharacters alone', () => {
    expect(escapeRegex('https://a-b.example/x_y~z%20/@1,2;3=4&5!')).toBe('https://a-b\\.example/x_y~z%20/@1,2;3=4&5!');
  });
});

describe('buildUrlRegex: exact matching', () => {
  const urls = ['https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js', 'https://unpkg.com/jquery@3.7.1/dist/jquery.min.js'];
  const built = buildUrlRegex(urls);
  const re = compile(built.regex!);

  it('keeps both URLs (factored) and matches each of them', () => {
    // Written out in full the pair would need ~115 instructions; factored it needs 75.
    expect(built.regex).toBe('^https://(?:cdn\\.jsdelivr\\.net/np|unpkg\\.co)m/jquery@3\\.7\\.1/dist/jquery\\.min\\.js$');
    expect(regexProgramBound(urls)).toBe(75);
    expect(built.kept).toEqual(urls);
    expect(built.dropped).toEqual([]);
    for (const url of urls) expect(re.test(url)).toBe(true);
  });

  it.each([
    ['a query string added', 'https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js?x'],
    ['one host with the other path', 'https://unpkg.com/npm/jquery@3.7.1/dist/jquery.min.js'],
    ['both middles', 'https://cdn.jsdelivr.net/npmunpkg.com/jquery@3.7.1/dist/jquery.min.js'],
    ['no middle', 'https:///jquery@3.7.1/dist/jquery.min.js'],
    ['a suffix', 'https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js.map'],
    ['a prefix', 'xhttps://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js'],
    ['http instead of https', 'http://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js'],
    ['a dot that would be a wildcard unescaped', 'https://cdnXjsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js'],
    ['another case', 'https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.MIN.js'],
    ['the two glued together', urls.join('')],
    ['another host', 'https://evil.example/?https://unpkg.com/jquery@3.7.1/dist/jquery.min.js'],
    ['a newline suffix', `${urls[0]}\n`],
  ])('does not match %s', (_label, url) => {
    expect(re.test(url)).toBe(false);
  });

  it.each(['https://x.example/a.js?v=2', 'https://x.example/a.js', 'https://x.example/a.js?v=10', 'https://x.example/a.js?v=1&x', 'https://x.example/a.js?v=1#f'])(
    'matches a query string exactly, not %j',
    (miss) => {
      const re = compile(buildUrlRegex(['https://x.example/a.js?v=1']).regex!);
      expect(re.test('https://x.example/a.js?v=1')).toBe(true);
      expect(re.test(miss)).toBe(false);
    },
  );

  it('matches a (canonical) URL full of metacharacters exactly', () => {
    const url = 'https://a.example/x(1)+[2]*$|.js?q={a}+b^';
    const single = buildUrlRegex([url]);
    expect(single.regex).toBe('^https://a\\.example/x\\(1\\)\\+\\[2\\]\\*\\$\\|\\.js\\?q=\\{a\\}\\+b\\^$');
    expect(compile(single.regex!).test(url)).toBe(true);
    expect(compile(single.regex!).test('https://a.example/x1+[2]*$|.js?q={a}+b^')).toBe(false);
  });
});

describe('factored alternation: exactly the listed URLs', () => {
  const sets: string[][] = [
    ['https://cdn.jsdelivr.net/npm/react@18.3.1/umd/react.production.min.js', 'https://unpkg.com/react@18.3.1/umd/react.production.min.js'],
    ['https://a.example/x.js', 'https://a.example/x.js?v=1'], // one is a prefix of the other: an empty alternative
    ['https://a.example/x.js?v=1', 'https://a.example/x.js'],
    ['https://a.example/aba', 'https://a.example/aa'], // prefix and suffix must not overlap
    ['https://a.example/1.js', 'https://b.example/1.js', 'https://c.example/2.js'],
    ['https://x.example/(a)', 'https://x.example/[a]', 'https://x.example/a|b'],
  ];
  it.each(sets)('%s …', (...urls) => {
    const built = buildUrlRegex(urls);
    expect(built.kept).toEqual(urls);
    const re = compile(built.regex!);
    for (const url of urls) expect(re.test(url)).toBe(true);
    // Near misses: every URL shortened, extended, or combined with another's ends.
    const misses = urls.flatMap((u, i) => [
      u.slice(0, -1),
      `${u}x`,
      `x${u}`,
      ...urls.filter((_, j) => j !== i).map((v) => u.slice(0, Math.ceil(u.length / 2)) + v.slice(Math.ceil(v.length / 2))),
    ]);
    for (const miss of misses.filter((m) => !urls.includes(m))) expect(re.test(miss), miss).toBe(false);
  });

  it.each<[string[], { prefix: string; middles: string[]; suffix: string }]>([
    [['https://a/x'], { prefix: 'https://a/x', middles: [''], suffix: '' }],
    [['https://a/1.js', 'https://b/1.js'], { prefix: 'https://', middles: ['a', 'b'], suffix: '/1.js' }],
    [['https://a/aba', 'https://a/aa'], { prefix: 'https://a/a', middles: ['b', ''], suffix: 'a' }],
  ])('factorUrls(%j)', (urls, expected) => {
    expect(factorUrls(urls)).toEqual(expected);
  });
});

describe('buildUrlRegex: budget and usability', () => {
  const url = (n: number, len: number): string => {
    const base = `https://h${n}.example/`;
    return base + 'a'.repeat(len - base.length);
  };

  it('bounds the RE2 program by 6 + literal characters + one Alt per extra (or empty) alternative', () => {
    expect(regexProgramBound([url(1, 40)])).toBe(46);
    // "https://h1.example/" + 21 a's and "https://h2.example/" + 11 a's: prefix "https://h" (9),
    // suffix 11 a's, middles "1.example/" + 10 a's (20) and "2.example/" (10), one Alt.
    expect(regexProgramBound([url(1, 40), url(2, 30)])).toBe(6 + 9 + 20 + 10 + 11 + 1);
    expect(regexProgramBound(['https://a/x.js', 'https://a/x.js?v=1'])).toBe(6 + 14 + 4 + 2);
  });

  it('keeps the most important URLs that fit and reports the others', () => {
    const first = 'https://one.example/' + 'a'.repeat(30); // 50 characters: 56 alone
    const tooMuch = 'https://two.example/' + 'b'.repeat(35); // only "https://" shared: 6 + 8 + 42 + 47 + 1 = 104
    const fits = 'https://one.example/' + 'a'.repeat(29) + 'c'; // shares 49 characters with the first: 58
    const built = buildUrlRegex([first, tooMuch, fits]);
    expect(built.kept).toEqual([first, fits]);
    expect(built.dropped).toEqual([{ url: tooMuch, reason: 'regex-budget' }]);
    expect(regexProgramBound(built.kept)).toBeLessThanOrEqual(DEFAULT_MAX_REGEX_PROGRAM);
  });

  it('gives no regex when even the first URL is over the budget', () => {
    const long = url(1, DEFAULT_MAX_REGEX_PROGRAM);
    expect(buildUrlRegex([long])).toEqual({ regex: null, kept: [], dropped: [{ url: long, reason: 'regex-budget' }] });
  });

  it('also enforces the source length limit', () => {
    const maxLength = buildUrlRegex([url(1, 30)]).regex!.length;
    const built = buildUrlRegex([url(1, 30), url(2, 30)], { maxProgram: 10_000, maxLength });
    expect(built.kept).toEqual([url(1, 30)]);
    expect(buildUrlRegex([url(1, 30)], { maxLength: maxLength - 1 }).regex).toBeNull();
  });

  it.each([
    ['http://a.example/x.js', 'not-https'],
    ['https://A.example/x.js', 'not-canonical'],
    ['https://a.example/x y.js', 'not-canonical'],
    ['https://a.example/x.js#frag', 'not-canonical'],
    ['https://a.example', 'not-canonical'],
    ['https://u:p@a.example/x.js', 'not-canonical'],
    ['not a url', 'not-canonical'],
  ])('drops %j (%s)', (bad, reason) => {
    expect(urlProblem(bad)).toBe(reason);
    const built = buildUrlRegex([bad, 'https://a.example/x.js', 'https://a.example/x.js']);
    expect(built.kept).toEqual(['https://a.example/x.js']);
    expect(built.dropped).toEqual([{ url: bad, reason }, { url: 'https://a.example/x.js', reason: 'duplicate' }]);
  });
});

describe('splitUrlGroups: an asset with more URLs than one regex holds', () => {
  const jsdelivr = 'https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js';
  const unpkg = 'https://unpkg.com/jquery@3.7.1/dist/jquery.min.js';
  const own = 'https://site-a.test/vendor/jquery-3.7.1.min.js';

  it('keeps every URL, in groups that each fit the budget and match exactly their URLs', () => {
    const groups = splitUrlGroups([jsdelivr, unpkg, own]);
    expect(groups.flat().sort()).toEqual([jsdelivr, own, unpkg].sort());
    expect(groups.length).toBeGreaterThan(1);
    for (const g of groups) {
      expect(regexProgramBound(g)).toBeLessThanOrEqual(DEFAULT_MAX_REGEX_PROGRAM);
      const re = new RegExp(alternation(g));
      for (const u of [jsdelivr, unpkg, own]) expect(re.test(u)).toBe(g.includes(u));
    }
  });

  it('gives a URL too long for any regex a group of its own, leaves out what no rule can hold, and stops at maxGroups', () => {
    const long = `https://static.test/${'a'.repeat(200)}.js`;
    const starred = `https://static.test/${'a'.repeat(200)}*.js`;
    expect(splitUrlGroups([long, own, 'http://x.test/a.js', starred])).toEqual([[own], [long]]);
    expect(exactUrlFilter(long)).toBe(`|${long}|`);
    expect(exactUrlFilter(starred)).toBeNull();
    const many = Array.from({ length: 10 }, (_, i) => `https://host-${i}.test/${String(i).repeat(60)}.js`);
    expect(splitUrlGroups(many, 3)).toHaveLength(3);
    expect(splitUrlGroups([])).toEqual([]);
  });
});
