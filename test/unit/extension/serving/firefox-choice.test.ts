import { describe, expect, it } from 'vitest';
import type { CspDestination } from '../../../../src/core/serving/csp.ts';
import type { Servable } from '../../../../src/extension/cache/resolver.ts';
import {
  chooseAnswer,
  replacesResponse,
  type RequestChoice,
  type RequestFacts,
  type SubresourceRequest,
} from '../../../../src/extension/serving/firefox-choice.ts';

const JQ_CDN = 'https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js';
const JQ_BANK = 'https://bank.example/js/jquery.min.js';
const PAGE = 'https://news.example/article';
const JS = 'text/javascript; charset=utf-8';
const JQ_TEXT = '/*! jQuery */ window.jQuery = function () {};';

function held(over: Partial<Servable> = {}, text = JQ_TEXT): Servable {
  const bytes = new TextEncoder().encode(text);
  return { key: 'jq', urlListed: true, holders: 0, type: JS, corsAnyOrigin: true, freshUntil: Infinity, blob: { bytes, type: JS, size: bytes.length }, ...over };
}
const listed = held();
const bankOwn = held({ urlListed: false, holders: 0, corsAnyOrigin: false });

const request = (over: Partial<SubresourceRequest> = {}): SubresourceRequest => ({ url: JQ_CDN, method: 'GET', type: 'script', mode: 'no-cors', credentialed: false, documentUrl: PAGE, ...over });
const facts = (over: Partial<RequestFacts> = {}): RequestFacts => ({ mayAct: true, found: listed, gate: { minLanPeers: 3, requirePopular: true }, pageAdmitsData: () => true, ...over });

/** What the page gets: the network's response, a data: URL's text, or the request sent and its body replaced. */
function outcome(choice: RequestChoice): 'network' | 'replaced body' | string {
  if (choice.action === 'pass') return 'network';
  if (choice.action === 'replace-body') return 'replaced body';
  const { dataUrl } = choice;
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64').toString();
}

describe('the Firefox choice per request', () => {
  it('answers a listed script on a page whose CSP admits data: with a data: URL: the origin sees nothing', () => {
    const choice = chooseAnswer(request(), facts());
    expect(outcome(choice)).toBe(JQ_TEXT);
    expect(choice.action === 'redirect' && choice.dataUrl.startsWith('data:text/javascript')).toBe(true);
  });

  it('on a page that does not admit data: for that destination, sends the request and replaces its body', () => {
    const admits = (d: CspDestination): boolean => d !== 'script';
    expect(outcome(chooseAnswer(request(), facts({ pageAdmitsData: admits })))).toBe('replaced body');
    // The same page's images: its CSP admits data: for them.
    expect(outcome(chooseAnswer(request({ type: 'image', url: 'https://cdn.example/a.png' }), facts({ pageAdmitsData: admits, found: held({ type: 'image/png' }) })))).toBe(JQ_TEXT);
  });

  it('answers a CORS-mode request for a file any origin may read by replacing the body, never with data:', () => {
    expect(outcome(chooseAnswer(request({ mode: 'cors' }), facts()))).toBe('replaced body');
    expect(outcome(chooseAnswer(request({ type: 'font', mode: 'cors' }), facts({ found: held({ type: 'font/woff2' }) })))).toBe('replaced body');
  });

  it('does not answer a site its own copy of a listed file when another site asks for it', () => {
    expect(outcome(chooseAnswer(request({ url: JQ_BANK }), facts({ found: bankOwn })))).toBe('network');
    expect(outcome(chooseAnswer(request({ url: JQ_BANK, mode: 'cors' }), facts({ found: bankOwn })))).toBe('network');
  });

  it('answers a URL off the list once enough LAN members hold its binding', () => {
    const popular = held({ urlListed: false, holders: 3, corsAnyOrigin: false });
    expect(outcome(chooseAnswer(request({ url: JQ_BANK }), facts({ found: popular })))).toBe(JQ_TEXT);
    expect(outcome(chooseAnswer(request({ url: JQ_BANK }), facts({ found: { ...popular, holders: 2 } })))).toBe('network');
  });

  it.each<[string, Partial<SubresourceRequest>, Partial<Servable>]>([
    ['a CORS read of a URL whose origin sent no Access-Control-Allow-Origin: *', { mode: 'cors' }, { urlListed: false, holders: 5, corsAnyOrigin: false }],
    ['a credentialed CORS read against Access-Control-Allow-Origin: *', { mode: 'cors', credentialed: true }, {}],
    ['a same-origin-mode request to another origin', { mode: 'same-origin' }, {}],
    ['a cross-site load of a URL with Cross-Origin-Resource-Policy: same-site', {}, { urlListed: false, holders: 5, corp: 'same-site' }],
    ['a request of an unknown mode', { mode: '' }, {}],
  ])('lets the network refuse what it would refuse: %s', (_, req, binding) => {
    expect(outcome(chooseAnswer(request(req), facts({ found: held(binding) })))).toBe('network');
  });

  it('answers a page of the same origin despite a restrictive CORP', () => {
    const own = held({ urlListed: false, holders: 5, corp: 'same-origin' });
    expect(outcome(chooseAnswer(request({ url: 'https://news.example/js/app.js' }), facts({ found: own })))).toBe(JQ_TEXT);
  });

  it('leaves a blocked, paused or not-allowed site alone', () => {
    expect(outcome(chooseAnswer(request(), facts({ mayAct: false })))).toBe('network');
  });

  it('leaves alone what it does not serve: other methods, other request types, and a miss', () => {
    expect(outcome(chooseAnswer(request({ method: 'POST' }), facts()))).toBe('network');
    expect(outcome(chooseAnswer(request({ type: 'media' }), facts()))).toBe('network');
    expect(outcome(chooseAnswer(request(), facts({ found: undefined })))).toBe('network');
  });

  it('never gives data: of a type the destination would not load from the network', () => {
    // The origin serves these bytes as an image: requested as a script, data: would run them.
    const asImage = held({ urlListed: false, holders: 5, type: 'image/png' });
    expect(outcome(chooseAnswer(request({ url: 'https://img.example/x.png' }), facts({ found: asImage })))).toBe('replaced body');
  });

  it('does not answer with data: a style sheet whose relative url() would then break', () => {
    const css = held({ type: 'text/css' }, '.icon { background: url(../img/icon.png); }');
    expect(outcome(chooseAnswer(request({ type: 'stylesheet', url: 'https://cdn.example/lib.css' }), facts({ found: css })))).toBe('replaced body');
  });
});

describe('replacing a response body', () => {
  it('replaces the 200 the page would get when it is the version PeerCache holds', () => {
    expect(replacesResponse({ etag: '"v1"' }, { statusCode: 200, etag: '"v1"' })).toBe(true);
    expect(replacesResponse({}, { statusCode: 200, etag: '"v1"' })).toBe(true);
    expect(replacesResponse({ etag: '"v1"' }, { statusCode: 200 })).toBe(true);
  });

  it('lets an error or a new version reach the page untouched', () => {
    expect(replacesResponse({ etag: '"v1"' }, { statusCode: 200, etag: '"v2"' })).toBe(false);
    expect(replacesResponse({}, { statusCode: 404 })).toBe(false);
    expect(replacesResponse({}, { statusCode: 304 })).toBe(false);
  });
});
