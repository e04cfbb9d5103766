/**
 * Every message between the extension's contexts, named by direction (style.md, principle 6):
 * to the background one discriminated union, `Request` (`ui-bg-*` from the options page or
 * popup, `cs-bg-*` from content scripts, `os-bg-*` from Chromium's offscreen document); from the
 * background to the offscreen document another, `OffscreenRequest` (`bg-os-*`). Each is
 * shape-checked where it arrives: messages are input like any other.
 */
import type { NetworkState } from '../core/metered.ts';
import type { FetchOutcome, LookupOutcome, PeerStatus } from './peers/peer-service.ts';
import type { PeerLocal } from './background/peer-local-state.ts';
import type { GroupSafeHost, SiteSafetyFact } from '../core/serving/group-site-safety.ts';
import { SETTING_NAMES, validateSetting, type MergedSettings, type SettingName, type SettingProblem, type Settings, type SettingSource } from '../core/settings/index.ts';

/** What the UI needs to render the settings. */
export interface SettingsView {
  readonly values: Settings;
  readonly locked: readonly SettingName[];
  readonly sources: { readonly [K in SettingName]: SettingSource };
  readonly problems: readonly SettingProblem[];
}

/** Result of a change request from the UI. */
export type SetSettingResult = { ok: true; view: SettingsView } | { ok: false; message: string };

/** The extension's one-glance status for the popup. */
export interface StatusView {
  readonly enabled: boolean;
  readonly cacheEnabled: boolean;
  readonly sharing: 'off' | 'no-lan-node' | 'configured';
  readonly lockedByPolicy: boolean;
  readonly problems: number;
  /** Metered or not, and whether that pauses peer traffic. */
  readonly network: NetworkState;
  /** LAN sharing: state and connected peers. */
  readonly peers: PeerStatus;
  /** When the background started (ms since epoch); lets tests see a restart. */
  readonly startedAt: number;
}

/** Savings, as the popup shows them. */
export interface Counters {
  readonly servedRequests: number;
  readonly bytesSaved: number;
  readonly learnBytes: number;
  /** Bytes learned from the page's own HTTP cache (Chromium): no download. */
  readonly pageCacheBytes: number;
  /** Bytes received from and sent to LAN peers. */
  readonly lanBytesIn: number;
  readonly lanBytesOut: number;
}

export interface StatsView {
  readonly total: Counters;
  readonly perSite: Readonly<Record<string, Counters>>;
  /** The last 14 days, oldest first, totals over all sites. */
  readonly daily: readonly (Counters & { readonly day: string })[];
}

/** The popup's view of the site in the active tab. */
export interface SiteView {
  readonly host: string | undefined;
  /** PeerCache may learn and serve here (settings, site lists, not paused). */
  readonly active: boolean;
  readonly paused: boolean;
  readonly stats: Counters;
}

/** What the serving engine holds ready; for the diagnostics a support person asks for. */
export interface ServingView {
  readonly engine: 'declarativeNetRequest' | 'webRequest';
  /** Assets in the local cache. */
  readonly cached: number;
  /** Assets the engine can serve now (Chromium: the hot set; Firefox serves any cached asset). */
  readonly servable: number;
  /**
   * Per destination ('script', 'style', …; Chromium also 'connect+script+…' for its
   * fetch/XHR gate), the hosts whose pages may receive `data:` URLs right now.
   */
  readonly safeHosts: Readonly<Record<string, readonly string[]>>;
  /** Chromium: how long the last rule update took, and how many rules it installed. */
  readonly lastUpdate?: { readonly ms: number; readonly rules: number; readonly payloadBytes: number };
}

export type Request =
  | { readonly type: 'ui-bg-get-settings' }
  | { readonly type: 'ui-bg-set-setting'; readonly name: string; readonly value: unknown }
  | { readonly type: 'ui-bg-get-status' }
  | { readonly type: 'ui-bg-get-stats' }
  | { readonly type: 'ui-bg-get-site'; readonly url: string }
  | { readonly type: 'ui-bg-set-site-paused'; readonly url: string; readonly paused: boolean }
  | { readonly type: 'ui-bg-get-serving' }
  | { readonly type: 'ui-bg-clear-cache' }
  | { readonly type: 'ui-bg-forget-lan-node-ids' }
  | { readonly type: 'os-bg-blocks-stored' }
  | { readonly type: 'os-bg-lan-node-pinned'; readonly address: string; readonly peerId: string }
  /** The group's verdicts on sites' CSPs, from a LAN node (peers/site-safety-sync.ts). */
  | { readonly type: 'os-bg-group-site-safety'; readonly hosts: readonly GroupSafeHost[]; readonly full: boolean }
  | { readonly type: 'cs-bg-page-report'; readonly metaCsp: readonly string[]; readonly integrity: readonly { url: string; integrity: string }[] };

interface Responses {
  'ui-bg-get-settings': SettingsView;
  'ui-bg-set-setting': SetSettingResult;
  'ui-bg-get-status': StatusView;
  'ui-bg-get-stats': StatsView;
  'ui-bg-get-site': SiteView;
  'ui-bg-set-site-paused': SiteView;
  'ui-bg-get-serving': ServingView;
  'ui-bg-clear-cache': { readonly removed: number };
  'ui-bg-forget-lan-node-ids': void;
  'os-bg-blocks-stored': void;
  'os-bg-lan-node-pinned': void;
  'os-bg-group-site-safety': void;
  'cs-bg-page-report': void;
}

export type ResponseOf<R extends Request> = Responses[R['type']];

/**
 * The background is a map of handlers, one per request type. `ui-bg-*` (options, popup) and
 * `os-bg-*` (Chromium's offscreen document) requests are accepted only from the extension's
 * own pages, `cs-bg-*` only from content scripts: a web page must not reach the settings, and
 * its content script speaks for one frame only.
 */
export type MessageHandlers = {
  readonly [T in Request['type']]: (request: Extract<Request, { type: T }>, sender: MessageSender) => Promise<Responses[T]>;
};

/** Shape checks per request type: messages are input like any other. */
const SHAPES: { readonly [T in Request['type']]: (m: Record<string, unknown>) => boolean } = {
  'ui-bg-get-settings': () => true,
  'ui-bg-set-setting': (m) => typeof m.name === 'string',
  'ui-bg-get-status': () => true,
  'ui-bg-get-stats': () => true,
  'ui-bg-get-site': (m) => typeof m.url === 'string',
  'ui-bg-set-site-paused': (m) => typeof m.url === 'string' && typeof m.paused === 'boolean',
  'ui-bg-get-serving': () => true,
  'ui-bg-clear-cache': () => true,
  'ui-bg-forget-lan-node-ids': () => true,
  'os-bg-blocks-stored': () => true,
  'os-bg-lan-node-pinned': (m) => typeof m.address === 'string' && typeof m.peerId === 'string',
  // Each host is checked again where it is taken in (site-safety-store.ts).
  'os-bg-group-site-safety': (m) => Array.isArray(m.hosts) && typeof m.full === 'boolean',
  'cs-bg-page-report': (m) =>
    Array.isArray(m.metaCsp) && m.metaCsp.every((c) => typeof c === 'string') &&
    Array.isArray(m.integrity) && m.integrity.every((e) => typeof e?.url === 'string' && typeof e?.integrity === 'string'),
};

/** True for a well-formed request; anything else is ignored by the background. */
export function isRequest(m: unknown): m is Request {
  if (typeof m !== 'object' || m === null) return false;
  const shape = SHAPES[(m as { type?: unknown }).type as Request['type']];
  return Object.hasOwn(SHAPES, (m as { type: string }).type) && shape(m as Record<string, unknown>);
}

/** Sender of a message, as the background sees it. */
export interface MessageSender {
  /** URL of the sending page or frame. */
  readonly url?: string;
  readonly tabId?: number;
  readonly frameId?: number;
  /** The sender is one of the extension's own pages (options, popup), not a content script. */
  readonly extensionPage: boolean;
}

/**
 * Requests from the background to Chromium's offscreen document, where the peer service runs
 * (no WebRTC in a service worker). The document accepts them from the background only
 * (platform/chromium/offscreen.ts).
 */
export type OffscreenRequest =
  /** `local`: the identity and pinned LAN node ids, which only the background can read (peer-local-state.ts). */
  | { readonly type: 'bg-os-apply'; readonly settings: Settings; readonly paused: boolean; readonly local: PeerLocal }
  | { readonly type: 'bg-os-status' }
  | { readonly type: 'bg-os-fetch'; readonly key: string; readonly contentType: string; readonly maxBytes: number }
  | { readonly type: 'bg-os-lookup'; readonly url: string; readonly contentType: string; readonly maxBytes: number }
  | { readonly type: 'bg-os-learned' }
  /** This browser's own site-safety facts, for its LAN nodes (peers/site-safety-sync.ts). */
  | { readonly type: 'bg-os-site-safety'; readonly facts: readonly SiteSafetyFact[] };

interface OffscreenResponses {
  'bg-os-apply': void;
  'bg-os-status': PeerStatus;
  'bg-os-fetch': FetchOutcome;
  'bg-os-lookup': LookupOutcome;
  'bg-os-learned': void;
  'bg-os-site-safety': void;
}

export type OffscreenResponseOf<R extends OffscreenRequest> = OffscreenResponses[R['type']];

/** The offscreen document is a map of handlers too, one per request type. */
export type OffscreenHandlers = {
  readonly [T in OffscreenRequest['type']]: (request: Extract<OffscreenRequest, { type: T }>) => Promise<OffscreenResponses[T]>;
};

/**
 * What the offscreen document sends back: the answer, or the error its handler failed with.
 * `chrome.runtime` carries no rejection to the sender, so the failure travels as data and the
 * sender throws it again as an {@link OffscreenError}.
 */
export type OffscreenReply<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** A request the offscreen document received but could not carry out. */
export class OffscreenError extends Error {
  override readonly name = 'OffscreenError';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

const OFFSCREEN_SHAPES: { readonly [T in OffscreenRequest['type']]: (m: Record<string, unknown>) => boolean } = {
  // Whole, valid settings: the peer service starts a node from them.
  'bg-os-apply': (m) => isObject(m.settings) && SETTING_NAMES.every((n) => validateSetting(n, (m.settings as Record<string, unknown>)[n]).ok) && typeof m.paused === 'boolean' && isPeerLocal(m.local),
  'bg-os-status': () => true,
  'bg-os-fetch': (m) => typeof m.key === 'string' && typeof m.contentType === 'string' && isCount(m.maxBytes),
  'bg-os-lookup': (m) => typeof m.url === 'string' && typeof m.contentType === 'string' && isCount(m.maxBytes),
  'bg-os-learned': () => true,
  // Checked again where they travel (p2p/site-safety: malformed facts are not sent).
  'bg-os-site-safety': (m) => Array.isArray(m.facts),
};

/**
 * 32 bytes in canonical unpadded base64url (peer-local-state.ts `isIdentitySeed`, written out
 * here: the UI bundles this file and should not carry a base64 decoder for it).
 */
const IDENTITY_SEED = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

/** An identity seed and pins of address -> peer id (strings). */
function isPeerLocal(v: unknown): v is PeerLocal {
  return isObject(v) && typeof v.identity === 'string' && IDENTITY_SEED.test(v.identity) && isObject(v.pins) && Object.values(v.pins).every((id) => typeof id === 'string');
}

/** True for a well-formed request to the offscreen document; anything else is not answered. */
export function isOffscreenRequest(m: unknown): m is OffscreenRequest {
  if (!isObject(m) || typeof m.type !== 'string' || !Object.hasOwn(OFFSCREEN_SHAPES, m.type)) return false;
  return OFFSCREEN_SHAPES[m.type as OffscreenRequest['type']](m);
}

/** True for a reply of the offscreen document (undefined, for one, means nobody answered yet). */
export function isOffscreenReply(m: unknown): m is OffscreenReply<unknown> {
  return isObject(m) && (m.ok === true || (m.ok === false && typeof m.error === 'string'));
}

/** Turns merged settings into the view sent to the UI. */
export function toView(m: MergedSettings): SettingsView {
  return { values: m.values, locked: m.locked, sources: m.sources, problems: m.problems };
}
