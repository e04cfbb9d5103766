import type { CacheContext } from '../cache/context.ts';
import type { Learner } from '../cache/learner.ts';
import type { ServingView } from '../messages.ts';
import type { PeerLink } from './peer-link-types.ts';
import type { SiteSafetyStore } from './site-safety-store.ts';

/** What a serving engine gets from the background. */
export interface EngineEnv {
  /** The cache context, opened on first use. */
  cache(): Promise<CacheContext>;
  learner(): Promise<Learner>;
  /** LAN sharing: asked first for a listed file before downloading it again. */
  peers: PeerLink;
  safety: SiteSafetyStore;
  /** `maxAssetMB` in bytes: nothing larger is copied or stored. */
  maxAssetBytes(): number;
  log(line: string): void;
}

/** A browser's way of answering page requests from the cache. */
export interface ServingEngine {
  /** Re-plans what is served (after learning, a settings or a site-safety change). */
  refresh(): void;
  view(): Promise<ServingView>;
}

/** The four destinations PeerCache serves, by webRequest resource type. */
export const DESTINATIONS: Readonly<Record<string, 'script' | 'style' | 'font' | 'image' | 'connect'>> = {
  script: 'script',
  stylesheet: 'style',
  font: 'font',
  image: 'image',
  xmlhttprequest: 'connect',
};
