import type { CspDestination } from '../../core/serving/csp.ts';
import type { GateHosts } from '../../core/serving/site-safety.ts';
import type { CacheContext } from '../cache/context.ts';
import type { Learner } from '../cache/learner.ts';
import type { ServingView } from '../messages.ts';
import type { FetchOutcome, LookupOutcome } from '../peers/peer-service.ts';

/** What a page's document sent, for its Content-Security-Policy. */
export interface DocumentHeaders {
  readonly url: string;
  readonly tabId: number;
  readonly frameId: number;
  readonly responseHeaders: readonly { readonly name: string; readonly value: string }[];
}

/**
 * Which sites admit `data:` per destination (their CSPs), as the background keeps it
 * (background/site-safety-store.ts); the engines read it and feed it documents' headers.
 */
export interface SiteSafetyView {
  documentHeaders(tabId: number, frameId: number, url: string, headers: DocumentHeaders['responseHeaders']): void;
  isSafe(host: string, destination: CspDestination): boolean;
  frameAllows(tabId: number, frameId: number, destination: CspDestination): boolean;
  gateHosts(destinations: readonly CspDestination[]): GateHosts;
  view(): Record<string, readonly string[]>;
  onChange(listener: () => void): void;
}

/** Small JSON state kept by the browser (platform/local-state.ts), read and written whole. */
export interface JsonState<T> {
  read(): Promise<T | undefined>;
  write(value: T): Promise<void>;
}

/** What a serving engine gets from the background. */
export interface EngineEnv {
  /** The cache context, opened on first use. */
  cache(): Promise<CacheContext>;
  learner(): Promise<Learner>;
  /** LAN sharing: asked first for a listed file before downloading it again. */
  peers: { fetch(key: string, type: string, maxBytes: number): Promise<FetchOutcome>; lookup(url: string, type: string, maxBytes: number): Promise<LookupOutcome> };
  safety: SiteSafetyView;
  /** `maxAssetMB` in bytes: nothing larger is copied or stored. */
  maxAssetBytes(): number;
  log(line: string): void;
}

/** A browser's way of answering page requests from the cache. */
export interface ServingEngine {
  /** Re-plans what is served (after learning, a settings or a site-safety change). */
  refresh(): void;
  view(): Promise<ServingView>;
  /** Writes the served requests it counted but has not written yet (before stats are read). */
  flushStats(): Promise<void>;
}

/** The four destinations PeerCache serves, by webRequest resource type. */
export const DESTINATIONS: Readonly<Record<string, 'script' | 'style' | 'font' | 'image' | 'connect'>> = {
  script: 'script',
  stylesheet: 'style',
  font: 'font',
  image: 'image',
  xmlhttprequest: 'connect',
};
