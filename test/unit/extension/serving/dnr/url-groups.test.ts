import { describe, expect, it } from 'vitest';
import { groupAnswerableUrls, type AssetUrl } from '../../../../../src/extension/serving/dnr/url-groups.ts';

const JS = 'text/javascript; charset=utf-8';
const JSDELIVR = 'https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js';
const UNPKG = 'https://unpkg.com/jquery@3.7.1/dist/jquery.min.js';
const BANK = 'https://bank.example/js/jquery.min.js';
const listed = (url: string): AssetUrl => ({ url, urlListed: true, holders: 0, type: JS, corsAnyOrigin: true });
const own = (url: string, over: Partial<AssetUrl> = {}): AssetUrl => ({ url, urlListed: false, holders: 0, type: 'text/javascript', corsAnyOrigin: false, ...over });
const gate = { minLanPeers: 3, requirePopular: true };

describe('groupAnswerableUrls: which URLs of one cached asset get a data: rule', () => {
  it('leaves out a bank\'s own copy of a listed file: the listed URLs are answered, the bank\'s is not', () => {
    expect(groupAnswerableUrls([listed(JSDELIVR), own(BANK), listed(UNPKG)], gate)).toEqual([
      { type: JS, access: { corsAnyOrigin: true }, urls: [JSDELIVR, UNPKG] },
    ]);
  });

  it('does not lend the list\'s CORS facts to a copy that is popular itself: no rule covers a URL without ACAO *', () => {
    expect(groupAnswerableUrls([listed(JSDELIVR), own(BANK, { holders: 5 })], gate)).toEqual([{ type: JS, access: { corsAnyOrigin: true }, urls: [JSDELIVR] }]);
    expect(groupAnswerableUrls([own(BANK, { holders: 5 })], { ...gate, requirePopular: false })).toEqual([]);
  });

  it('answers a popular copy that any origin may read, under its own type', () => {
    const copy = own('https://static.example/jq.js', { holders: 3, corsAnyOrigin: true, type: 'application/javascript' });
    expect(groupAnswerableUrls([listed(JSDELIVR), copy], gate)).toEqual([
      { type: 'application/javascript', access: { corsAnyOrigin: true }, urls: [copy.url] },
      { type: JS, access: { corsAnyOrigin: true }, urls: [JSDELIVR] },
    ]);
  });

  it('keeps a site that serves the listed bytes as image/png from changing the listed URLs\' type', () => {
    const png = own('https://odd.example/jquery.png', { holders: 3, corsAnyOrigin: true, type: 'image/png' });
    const groups = groupAnswerableUrls([png, listed(JSDELIVR)], gate);
    expect(groups.find((g) => g.urls.includes(JSDELIVR))?.type).toBe(JS);
    expect(groups.find((g) => g.urls.includes(png.url))?.type).toBe('image/png');
  });

  it('leaves out URLs a restrictive CORP keeps home, of unknown or unserved types', () => {
    expect(groupAnswerableUrls([
      own('https://a.example/a.js', { holders: 3, corsAnyOrigin: true, corp: 'same-site' }),
      own('https://a.example/b.js', { holders: 3, corsAnyOrigin: true, type: undefined }),
      own('https://a.example/c.html', { holders: 3, corsAnyOrigin: true, type: 'text/html' }),
    ], gate)).toEqual([]);
  });

  it('gives a group binding one member holds a group of its own, for the sites it was loaded on only', () => {
    const app = own('https://static.example/app.js', { holders: 1, corsAnyOrigin: true, sites: ['shop.example', 'blog.example'] });
    const lone = own('https://static.example/lone.js', { holders: 1, corsAnyOrigin: true });
    expect(groupAnswerableUrls([app, lone, listed(JSDELIVR)], gate)).toEqual([
      { type: 'text/javascript', access: { corsAnyOrigin: true }, urls: [app.url], sites: ['blog.example', 'shop.example'] },
      { type: JS, access: { corsAnyOrigin: true }, urls: [JSDELIVR] },
    ]);
    // Popular: any site, no site condition.
    expect(groupAnswerableUrls([{ ...app, holders: 3 }], gate)).toEqual([{ type: 'text/javascript', access: { corsAnyOrigin: true }, urls: [app.url] }]);
  });
});
