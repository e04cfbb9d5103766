/**
 * A member of a group as the site-safety tests need it (issue 12): the product's peer service and
 * site-safety store in Node, on its own fake IndexedDB store, wired as the background wires them.
 * `view` is what a page view of a site does to them: one of the site's files learned (a binding
 * that names the site, so the member may tell the site's CSP), then the document's CSP observed.
 */
import type { HashList } from '../../src/core/hash-list/index.ts';
import { mergeSettings } from '../../src/core/settings/index.ts';
import { createSiteSafetyStore, type SiteSafetyStore } from '../../src/extension/background/site-safety-store.ts';
import { createPeerService, type PeerService } from '../../src/extension/peers/peer-service.ts';
import type { Store } from '../../src/store/index.ts';
import { keyOf } from './bytes.ts';
import { openMemoryStore } from './memory-store.ts';
import { waitFor } from './wait.ts';

const DAY = 86_400_000;

export interface SiteSafetyMember {
  readonly store: Store;
  readonly service: PeerService;
  readonly safety: SiteSafetyStore;
  /** A page of `host` loaded (headers, then the content script's report) and one of its files was learned. */
  view(host: string, headers?: { name: string; value: string }[]): Promise<void>;
  close(): Promise<void>;
}

const memory = <T>() => {
  let v: T | undefined;
  return { read: async () => v, write: async (x: T) => void (v = x) };
};
let files = 0;

/** Starts a member connected to `lanNode` (a multiaddr) with `user` settings over the group's. */
export async function startSiteSafetyMember(hashList: HashList, lanNode: string, groupKey: string, user: Record<string, unknown> = {}): Promise<SiteSafetyMember> {
  const store = await openMemoryStore({ maxCacheBytes: () => 1e8 });
  const settings = mergeSettings({ user: { lanNodes: [lanNode], groupKey, trustGroupBindings: true, minLanPeers: 2, ...user } }).values;
  const safety = createSiteSafetyStore({ state: memory(), groupState: memory(), minMembers: () => settings.minLanPeers, now: Date.now, log: () => {} });
  const service = createPeerService({ store, hashList, log: () => {}, siteSafety: { ownFacts: () => safety.ownFacts(), takeGroup: (h, full) => safety.takeGroup(h, full) } });
  safety.onObserved(() => service.siteSafetyChanged());
  await service.apply(settings, false);
  await waitFor(() => service.status().lanNodes === 1, 10_000, 'the member connecting');
  let tab = 0;
  return {
    store, service, safety,
    async view(host, headers = []) {
      const bytes = new TextEncoder().encode(`window.f${++files} = 1; /* ${'z'.repeat(2000)} */`);
      const mh = await keyOf(bytes);
      await store.blobs.put(mh, bytes, 'text/javascript');
      await store.bindings.put({ url: `https://${host}/app-${files}.js`, mh, source: 'observed', site: host, fetchedAt: Date.now(), freshUntil: Date.now() + DAY, mustRevalidate: false, corsAnyOrigin: true, type: 'text/javascript' });
      service.learned();
      const t = ++tab;
      safety.documentHeaders(t, 0, `https://${host}/`, headers);
      safety.pageReport(t, 0, `https://${host}/`, []);
      await waitFor(() => safety.ownFacts().some((f) => f.host === host), 5_000, 'the view recorded');
    },
    async close() {
      await service.apply(mergeSettings({ user: { sharingMode: 'off' } }).values, false);
      store.close();
    },
  };
}
