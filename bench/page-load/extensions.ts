// The controlled experiments' extensions: each does ONE thing PeerCache does, with no PeerCache
// code, so its cost is the browser's own; and copies of the built PeerCache with one part of it
// switched off, so that part's share shows.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDataUrl, dataUrlMediaType } from '../../src/core/serving/data-url.ts';
import { benchTemp } from './quiet-browser.ts';
import type { BenchWeb, WebFile } from './web.ts';

function extension(name: string, manifest: object, files: Record<string, string | Uint8Array>): string {
  const dir = benchTemp(`${name}-`);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ manifest_version: 3, name, version: '1.0', browser_specific_settings: { gecko: { id: `${name}@bench.peercache.dev` } }, ...manifest }));
  for (const [path, body] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), body);
  }
  return dir;
}

/** `file` as PeerCache writes it into a redirect (rules.ts: same media type, base64). */
export const dataUrlOf = (file: WebFile): string => buildDataUrl(file.body, dataUrlMediaType(file.type)!);

const exact = (url: string) => ({ urlFilter: `|${url}|`, isUrlFilterCaseSensitive: true, requestMethods: ['get'] });
const resourceType = (f: WebFile): string => (f.type === 'text/css' ? 'stylesheet' : f.type.startsWith('font/') ? 'font' : 'script');
/** A static ruleset in rules.json, as PeerCache's packaged set. */
const STATIC_RULES = {
  permissions: ['declarativeNetRequest'],
  host_permissions: ['<all_urls>'],
  declarative_net_request: { rule_resources: [{ id: 'bench', enabled: true, path: 'rules.json' }] },
};

/** Chromium: a static DNR rule per script redirecting it to its `data:` URL; no code runs. */
export function dataRulesExtension(web: BenchWeb): string {
  const rules = web.scripts.map((s, i) => ({ id: i + 1, priority: 1, action: { type: 'redirect', redirect: { url: dataUrlOf(s) } }, condition: { ...exact(s.url), resourceTypes: ['script'] } }));
  return extension('bench-data-rules', STATIC_RULES, { 'rules.json': JSON.stringify(rules) });
}

/**
 * Chromium: PeerCache's own session rules (regex redirects and CSP gates), installed by a worker
 * that does nothing else; with `listeners`, the worker also registers PeerCache's webRequest
 * listeners (same events, filters and extraHeaders), which do nothing: what any extension that
 * observes requests costs, and what waking its worker for a page costs.
 */
export function sessionRulesExtension(rules: readonly object[], listeners = false): string {
  const ids = rules.map((r) => (r as { id: number }).id);
  // At every start: session rules go with the browser session, and a stopped worker restarts.
  const install = `chrome.declarativeNetRequest.getSessionRules().then((r) => r.length || chrome.declarativeNetRequest.updateSessionRules({ removeRuleIds: ${JSON.stringify(ids)}, addRules: ${JSON.stringify(rules)} }));`;
  const observe = `const sub = { urls: ['https://*/*'], types: ['script', 'stylesheet', 'font', 'image', 'xmlhttprequest'] };
const doc = { urls: ['https://*/*'], types: ['main_frame', 'sub_frame'] };
chrome.webRequest.onSendHeaders.addListener(() => {}, sub, ['requestHeaders', 'extraHeaders']);
chrome.webRequest.onErrorOccurred.addListener(() => {}, sub);
chrome.webRequest.onCompleted.addListener(() => {}, sub, ['responseHeaders', 'extraHeaders']);
chrome.webRequest.onHeadersReceived.addListener(() => undefined, doc, ['responseHeaders', 'extraHeaders']);
chrome.webRequest.onBeforeRedirect.addListener(() => {}, sub);`;
  const permissions = ['declarativeNetRequest', ...(listeners ? ['webRequest'] : [])];
  return extension(`bench-session-rules${listeners ? '-listeners' : ''}`, { permissions, host_permissions: ['<all_urls>'], background: { service_worker: 'worker.js' } }, {
    'worker.js': listeners ? `${observe}\n${install}` : install,
  });
}

/** Both browsers: static rules redirecting the packaged page's files to copies in the extension, as PeerCache's packaged set. */
export function packagedRulesExtension(web: BenchWeb, dynamicUrl: boolean): string {
  const rules = web.packaged.map((f, i) => ({ id: i + 1, priority: 1, action: { type: 'redirect', redirect: { extensionPath: `/${f.extensionPath}` } }, condition: { ...exact(f.url), resourceTypes: [resourceType(f)] } }));
  const files: Record<string, Uint8Array | string> = { 'rules.json': JSON.stringify(rules) };
  for (const f of web.packaged) files[f.extensionPath] = f.body;
  return extension(`bench-packaged${dynamicUrl ? '-dynamic' : ''}`, { ...STATIC_RULES, web_accessible_resources: [{ resources: ['pkg/*'], matches: ['<all_urls>'], use_dynamic_url: dynamicUrl }] }, files);
}

const FIREFOX_TYPES = "['script','stylesheet','font','image','xmlhttprequest']";
const firefoxBlocking = { permissions: ['webRequest', 'webRequestBlocking'], host_permissions: ['<all_urls>'], background: { scripts: ['background.js'] } };

/** Firefox: PeerCache's two blocking listeners on every subresource, answering nothing. */
export function blockingPassExtension(): string {
  const background = `const types = ${FIREFOX_TYPES};
browser.webRequest.onBeforeSendHeaders.addListener(async () => ({}), { urls: ['https://*/*'], types }, ['blocking', 'requestHeaders']);
browser.webRequest.onHeadersReceived.addListener(() => ({}), { urls: ['https://*/*'], types }, ['blocking', 'responseHeaders']);`;
  return extension('bench-blocking-pass', firefoxBlocking, { 'background.js': background });
}

/** Firefox: the same listeners answering the bench scripts with `data:` URLs held in memory. */
export function blockingDataExtension(web: BenchWeb): string {
  const answers = Object.fromEntries(web.scripts.map((s) => [s.url, dataUrlOf(s)]));
  const background = `const types = ${FIREFOX_TYPES}; const answers = ${JSON.stringify(answers)};
browser.webRequest.onBeforeSendHeaders.addListener(async (d) => (answers[d.url] ? { redirectUrl: answers[d.url] } : {}), { urls: ['https://*/*'], types }, ['blocking', 'requestHeaders']);
browser.webRequest.onHeadersReceived.addListener(() => ({}), { urls: ['https://*/*'], types }, ['blocking', 'responseHeaders']);`;
  return extension('bench-blocking-data', firefoxBlocking, { 'background.js': background });
}

/**
 * A copy of the built extension at `dist` with `prelude` run before its background script (to
 * switch an API off for the experiment) and `manifest` edits.
 */
export function peercacheWithout(dist: string, name: string, prelude: string, manifest: (m: Record<string, unknown>) => void = () => undefined): string {
  const dir = benchTemp(`${name}-`);
  cpSync(dist, dir, { recursive: true });
  writeFileSync(join(dir, 'background.js'), `${prelude}\n${readFileSync(join(dir, 'background.js'), 'utf8')}`);
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  manifest(m);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
  return dir;
}

/** Chromium preludes: the listeners PeerCache registers, made no-ops. */
export const NO_LISTENERS = ['onSendHeaders', 'onErrorOccurred', 'onHeadersReceived', 'onCompleted', 'onBeforeRedirect'].map((e) => `chrome.webRequest.${e}.addListener = () => undefined;`).join('\n');
export const NO_REDIRECT_LISTENER = 'chrome.webRequest.onBeforeRedirect.addListener = () => undefined;';
