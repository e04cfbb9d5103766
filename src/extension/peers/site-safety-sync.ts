/**
 * A browser's side of `/peercache/site-safety/1.0.0` (docs/PROTOCOL.md; issue 12: a site's CSP
 * not yet seen by this browser). In a group with `trustGroupBindings` it tells its pinned LAN
 * nodes what its own documents allowed or blocked, and takes in the group's verdicts from them
 * (and from nobody else), which the site-safety store reads only for hosts it never observed.
 *
 * Privacy: only hosts this browser already names to its LAN nodes as the `sites` of the bindings
 * it reports (group-bindings.ts, `observedBindings`): the node learns no site it was not told
 * already; what is new is that site's CSP verdict per destination, and when.
 */
import type { Libp2p, PeerId } from '@libp2p/interface';
import type { GroupSafeHost, SiteSafetyFact } from '../../core/serving/group-site-safety.ts';
import { CSP_DESTINATIONS } from '../../core/serving/csp.ts';
import type { PenaltyBox } from '../../core/limits/index.ts';
import type { Settings } from '../../core/settings/index.ts';
import { createSiteSafetyServer, sendSiteSafety } from '../../p2p/site-safety/index.ts';
import type { Store } from '../../store/index.ts';
import type { HashListIndex } from '../cache/context.ts';
import { observedBindings, sharesGroupBindings } from './group-bindings.ts';

/** Where the facts come from and the verdicts go: the site-safety store (background). */
export interface SiteSafetyLink {
  ownFacts(): SiteSafetyFact[] | Promise<SiteSafetyFact[]>;
  takeGroup(hosts: readonly GroupSafeHost[], full: boolean): void;
}

/** What is learned within this time travels in one message. */
const TELL_AFTER_MS = 150;
const DAY_MS = 24 * 3600 * 1000;

/** What changes a fact's meaning for the node: each destination's latest verdict, and the day of its latest block (the veto's age). */
const gist = (f: SiteSafetyFact): string =>
  JSON.stringify([CSP_DESTINATIONS.map((d) => ((f.allowed[d] ?? -1) > (f.blocked[d] ?? -1) ? 1 : f.blocked[d] !== undefined ? 0 : -1)), Math.floor(Math.max(-1, ...Object.values(f.blocked)) / DAY_MS)]);

export function createSiteSafetySync(init: {
  store: Store;
  hashList: HashListIndex;
  log: (line: string) => void;
  penalty: PenaltyBox;
  link?: SiteSafetyLink;
  node: () => Libp2p | undefined;
  settings: () => Settings | undefined;
  isLanNode: (peer: string) => boolean;
  lanNodes: () => { id: string; peer: PeerId }[];
}) {
  const { log } = init;
  /** Host -> gist last told to the LAN nodes (reset when a node connects: it is told everything). */
  let told = new Map<string, string>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** Our facts the node may hear: hosts our reported bindings name already. */
  async function shareable(): Promise<SiteSafetyFact[]> {
    if (!init.link) return [];
    const named = new Set((await observedBindings(init.store, init.hashList)).flatMap((b) => b.sites ?? []));
    return (await init.link.ownFacts()).filter((f) => named.has(f.host));
  }

  async function tell(to: { id: string; peer: PeerId }[], full: boolean): Promise<void> {
    const s = init.settings();
    const node = init.node();
    if (!node || !s || !sharesGroupBindings(s) || to.length === 0) return;
    const facts = (await shareable()).filter((f) => full || told.get(f.host) !== gist(f));
    if (facts.length === 0 && !full) return;
    for (const f of facts) told.set(f.host, gist(f));
    for (const { id, peer } of to) await sendSiteSafety(node, peer, { full, facts }).catch((e: unknown) => log(`site safety to ${id}: ${String(e)}`));
  }

  return {
    /** The receiver, registered by the peer service in a group. */
    server: () =>
      createSiteSafetyServer({
        accept: (peer) => init.isLanNode(peer),
        onMessage: (_peer, m) => {
          if ('hosts' in m) init.link?.takeGroup(m.hosts, m.full);
        },
        onFault: (peer) => init.penalty.penalise(peer.toString()),
      }),
    /** A LAN node connected (again): it hears everything we may tell. */
    connected(id: string): void {
      const lan = init.lanNodes().filter((n) => n.id === id);
      void tell(lan, true).catch((e: unknown) => log(`site safety to ${id}: ${String(e)}`));
    },
    /** A document was observed, or a binding learned: tell what changed, soon. */
    changed(): void {
      if (!init.node() || !init.link) return;
      timer ??= setTimeout(() => {
        timer = undefined;
        void tell(init.lanNodes(), false).catch((e: unknown) => log(`site safety: ${String(e)}`));
      }, TELL_AFTER_MS);
    },
    reset(): void {
      told = new Map();
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
