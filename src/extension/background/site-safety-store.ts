import { CSP_DESTINATIONS, evaluateDocumentCsp, type CspDestination, type CspVerdict } from '../../core/serving/csp.ts';
import { checkGroupHost, factOf, groupSafeDestinations, MAX_GROUP_HOSTS, type GroupSafeHost, type SiteSafetyFact } from '../../core/serving/group-site-safety.ts';
import { createSiteSafety, decodeSiteSafetySnapshot, type GateHosts, type SiteSafety, type SiteSafetySnapshot } from '../../core/serving/site-safety.ts';
import { hostOf } from '../cache/context.ts';

/**
 * Which sites' pages may receive `data:` URLs, learned from their CSPs. A document counts once
 * both halves are known: its response headers (webRequest) and its `<meta>` policies (the
 * content script's report), so a site with a strict meta CSP is never served by `data:`.
 */
export interface SiteSafetyStore {
  /** A document's response headers arrived. */
  documentHeaders(tabId: number, frameId: number, url: string, headers: readonly { name: string; value: string }[]): void;
  /** The content script of that document reported its `<meta>` CSPs. */
  pageReport(tabId: number, frameId: number, url: string, metaCsp: readonly string[]): void;
  /** `host` is known to admit `data:` for `destination`. */
  isSafe(host: string, destination: CspDestination): boolean;
  /** The CURRENT document of this frame admits `data:` for `destination` by its headers. */
  frameAllows(tabId: number, frameId: number, destination: CspDestination): boolean;
  /** Hosts safe for every one of `destinations`, for one Chromium gate rule. */
  gateHosts(destinations: readonly CspDestination[]): GateHosts;
  /** Per destination, the safe hosts (diagnostics). */
  view(): Record<string, readonly string[]>;
  onChange(listener: () => void): void;
  /**
   * What the group's LAN node vouches for (core/serving/group-site-safety.ts): `full` replaces
   * everything known from the group, otherwise each host given replaces its own entry (one with
   * no destination left is dropped). Read only where this browser never observed the host.
   */
  takeGroup(hosts: readonly GroupSafeHost[], full: boolean): void;
  /** This browser's own observations, most recent last, for its LAN nodes. */
  ownFacts(): SiteSafetyFact[];
  /** This browser observed a document (its facts may have changed): `listener` tells the LAN nodes. */
  onObserved(listener: () => void): void;
}

/** Documents between their headers and their content script's report; bounded. */
const MAX_FRAMES = 2_000;
/** How long a page's report waits for its document's response headers. */
const REPORT_WAIT_MS = 3_000;
/** The most recent documents kept across a restart of the background. */
const MAX_SAVED_FRAMES = 200;

type Header = { name: string; value: string };
interface Frame {
  url: string;
  verdict: CspVerdict;
  headers: readonly Header[];
}
/** A saved document: frame key, URL, CSP headers. */
export type SavedFrame = [string, string, Header[]];

/** The same document: equal URLs but for a fragment (the content script's sender URL has it). */
const sameDocument = (a: string, b: string): boolean => a.split('#')[0] === b.split('#')[0];

const isHeader = (h: unknown): h is Header => typeof (h as Header | null)?.name === 'string' && typeof (h as Header | null)?.value === 'string';

export function createSiteSafetyStore(init: {
  state: { read(): Promise<unknown>; write(v: SiteSafetySnapshot): Promise<void> };
  /**
   * Where documents waiting for their report outlive a restart of the background (session
   * storage): Firefox suspends an idle event page, and a restart between a document's headers
   * and its content script's report would otherwise lose that page view.
   */
  frameState?: { read(): Promise<unknown>; write(v: SavedFrame[]): Promise<void> };
  now: () => number;
  log: (line: string) => void;
  /** Where the group's verdicts outlive a restart of the background (Chromium's worker sleeps). */
  groupState?: { read(): Promise<unknown>; write(v: GroupSafeHost[]): Promise<void> };
  /** Members the group needs to vouch for a destination (the settings' `minLanPeers`). */
  minMembers?: () => number;
}): SiteSafetyStore {
  let safety: SiteSafety | undefined;
  const listeners: (() => void)[] = [];
  const observedListeners: (() => void)[] = [];
  /** The group's verdicts as the node told them, and what they mean at the current threshold. */
  let groupHosts = new Map<string, GroupSafeHost>();
  let groupView: { min: number; safe: Map<string, Set<CspDestination>> } | undefined;
  const group = (): ReadonlyMap<string, ReadonlySet<CspDestination>> => {
    const min = init.minMembers?.() ?? Infinity;
    if (groupView?.min !== min) groupView = { min, safe: groupSafeDestinations([...groupHosts.values()], min) };
    return groupView.safe;
  };
  const groupLoaded = (init.groupState?.read() ?? Promise.resolve(undefined)).then(
    (saved) => {
      if (!Array.isArray(saved)) return;
      for (const h of saved.slice(0, MAX_GROUP_HOSTS)) {
        const g = checkGroupHost(h);
        if (g && !groupHosts.has(g.host)) groupHosts.set(g.host, g);
      }
      groupView = undefined;
    },
    (e: unknown) => init.log(`group site safety unreadable: ${String(e)}`),
  );
  const frames = new Map<string, Frame>();
  const frameKey = (tabId: number, frameId: number): string => `${tabId}/${frameId}`;
  const remember = (key: string, url: string, headers: readonly Header[]): void => {
    frames.delete(key);
    if (frames.size >= MAX_FRAMES) frames.delete(frames.keys().next().value as string);
    frames.set(key, { url, headers, verdict: evaluateDocumentCsp(headers.map((h) => [h.name, h.value] as [string, string])) });
  };

  const stateLoaded: Promise<void> = init.state.read().then((raw) => {
    let snapshot: SiteSafetySnapshot | undefined;
    try {
      snapshot = raw === undefined ? undefined : decodeSiteSafetySnapshot(raw);
    } catch (e) {
      init.log(`site safety state unreadable, starting afresh: ${String(e)}`);
    }
    safety = createSiteSafety({ now: init.now, group, ...(snapshot ? { snapshot } : {}) });
    for (const l of listeners) l();
  });
  // A state that cannot be read at all starts afresh too (the `then` above never throws).
  const safetyLoaded = stateLoaded.catch((e: unknown) => {
    init.log(`site safety state unreadable, starting afresh: ${String(e)}`);
    safety ??= createSiteSafety({ now: init.now, group });
  });

  const framesLoaded: Promise<void> = (init.frameState?.read() ?? Promise.resolve(undefined)).then(
    (saved) => {
      if (!Array.isArray(saved)) return;
      for (const e of saved) {
        if (!Array.isArray(e) || typeof e[0] !== 'string' || typeof e[1] !== 'string' || !Array.isArray(e[2])) continue;
        // A document seen since the restart is newer than anything saved for its frame.
        if (!frames.has(e[0])) remember(e[0], e[1], (e[2] as unknown[]).filter(isHeader));
      }
    },
    (e: unknown) => init.log(`saved documents unreadable: ${String(e)}`),
  );
  let saving: ReturnType<typeof setTimeout> | undefined;
  const saveFrames = (): void => {
    if (!init.frameState || saving) return;
    saving = setTimeout(() => {
      saving = undefined;
      const recent = [...frames].slice(-MAX_SAVED_FRAMES).map(([k, f]): SavedFrame => [k, f.url, [...f.headers]]);
      void init.frameState?.write(recent).catch((e: unknown) => init.log(`documents not saved: ${String(e)}`));
    }, 50);
  };

  /**
   * Reports whose document's headers have not been seen yet. The two halves of a page view come
   * over two channels (webRequest events, runtime messages) that the browser does not order:
   * under load Firefox delivered a small page's report before its headers, and the view was
   * lost (never-break e2e, 'CSP allowing data:'). Such a report waits for them, briefly.
   */
  const waiting = new Map<string, { url: string; metaCsp: readonly string[]; timer: ReturnType<typeof setTimeout> }>();

  function report(tabId: number, frameId: number, url: string, metaCsp: readonly string[]): void {
    const seen = frames.get(frameKey(tabId, frameId));
    const host = hostOf(url);
    // Without the headers of this very document the observation is incomplete: skip it
    // rather than guess.
    if (!safety || !host || !seen || hostOf(seen.url) !== host) return;
    const verdict = evaluateDocumentCsp(seen.headers.map((h) => [h.name, h.value] as [string, string]), metaCsp);
    const safeFor = (): string => CSP_DESTINATIONS.map((d) => safety!.isSafe(host, [d])).join();
    const before = safeFor();
    if (!safety.observe(host, verdict.dataAllowed)) return;
    void init.state.write(safety.toJSON());
    for (const l of observedListeners) l();
    // Only a change of this host's safety changes the gate: rewriting rules costs more the
    // more payload is loaded, so an unchanged page view must not trigger one. (A host the
    // full table forgot leaves the gate at the next change; it was safe when last seen.)
    if (safeFor() !== before) for (const l of listeners) l();
  }

  return {
    documentHeaders(tabId, frameId, url, headers) {
      const key = frameKey(tabId, frameId);
      // Only the CSP headers decide; they are all that is kept (and saved).
      remember(key, url, headers.filter((h) => h.name.toLowerCase() === 'content-security-policy'));
      saveFrames();
      const early = waiting.get(key);
      if (early && sameDocument(early.url, url)) {
        clearTimeout(early.timer);
        waiting.delete(key);
        void safetyLoaded.then(() => report(tabId, frameId, early.url, early.metaCsp));
      }
    },
    pageReport(tabId, frameId, url, metaCsp) {
      void Promise.all([framesLoaded, safetyLoaded]).then(() => {
        const key = frameKey(tabId, frameId);
        const seen = frames.get(key);
        if (seen && sameDocument(seen.url, url)) return report(tabId, frameId, url, metaCsp);
        // Not this document's headers (yet): wait for them. Past the wait, the frame's last
        // document of the same host stands in, as it always did (a page that changed its URL
        // with history.pushState before its report reports another URL than it was fetched at).
        clearTimeout(waiting.get(key)?.timer);
        waiting.delete(key);
        if (waiting.size >= MAX_FRAMES) {
          const [oldest, w] = waiting.entries().next().value!;
          clearTimeout(w.timer);
          waiting.delete(oldest);
        }
        const timer = setTimeout(() => {
          waiting.delete(key);
          report(tabId, frameId, url, metaCsp);
        }, REPORT_WAIT_MS);
        waiting.set(key, { url, metaCsp, timer });
      });
    },
    isSafe: (host, destination) => !!safety?.isSafe(host, [destination]),
    frameAllows(tabId, frameId, destination) {
      return frames.get(frameKey(tabId, frameId))?.verdict.dataAllowed[destination] === true;
    },
    gateHosts: (destinations) => safety?.gateHosts(destinations) ?? { safe: [], unsafeSubdomains: [] },
    view() {
      return Object.fromEntries(CSP_DESTINATIONS.map((d) => [d, safety?.gateHosts([d]).safe ?? []]));
    },
    onChange: (l) => void listeners.push(l),
    takeGroup(hosts, full) {
      void groupLoaded.then(() => {
        const next = full ? new Map<string, GroupSafeHost>() : new Map(groupHosts);
        for (const raw of hosts) {
          // From the offscreen document's message too: checked like any input.
          const h = checkGroupHost(raw);
          if (!h) continue;
          next.delete(h.host);
          if (Object.keys(h.allowed).length > 0) next.set(h.host, h);
        }
        // Bounded: the most recently told stay.
        for (const host of next.keys()) {
          if (next.size <= MAX_GROUP_HOSTS) break;
          next.delete(host);
        }
        const before = JSON.stringify([...group()].map(([h, ds]) => [h, [...ds]]));
        groupHosts = next;
        groupView = undefined;
        void init.groupState?.write([...groupHosts.values()]).catch((e: unknown) => init.log(`group site safety not saved: ${String(e)}`));
        if (JSON.stringify([...group()].map(([h, ds]) => [h, [...ds]])) !== before) for (const l of listeners) l();
      });
    },
    ownFacts: () => (safety ? [...safety.records()].map(([h, r]) => factOf(h, r)) : []),
    onObserved: (l) => void observedListeners.push(l),
  };
}
