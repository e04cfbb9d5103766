/**
 * The LAN node's side of `/peercache/site-safety/1.0.0` (docs/PROTOCOL.md), only with a group
 * key: takes in what members tell of the sites' CSPs (group-site-safety.ts), and tells every
 * member the group's verdicts, everything when it connects, then what changed (gathered for
 * 100 ms after a report, and every minute, when members' ages bring new counts). Never says who
 * reported what. Apart from replication.ts: the facts have their own book and their own message.
 */
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface';
import type { GroupSafeHost } from '../core/serving/group-site-safety.ts';
import { remoteHostOf } from '../p2p/remote-host.ts';
import { createSiteSafetyServer, sendSiteSafety, SITE_SAFETY_PROTOCOL } from '../p2p/site-safety/index.ts';
import { createBatchedSave } from './batched-save.ts';
import type { GroupSiteSafetyBook } from './group-site-safety.ts';

type Handler = (stream: Stream, connection: Connection) => Promise<void>;

const ANNOUNCE_MS = 100;

export async function startSiteSafetySharing(init: {
  node: Libp2p;
  book: GroupSiteSafetyBook;
  log: (line: string) => void;
  /** How often verdicts are recomputed for ages that came of age (default 60 s). */
  everyMs?: number;
  limitStreams?: (protocol: string, handler: Handler) => Handler;
}): Promise<{ stop(): Promise<void> }> {
  const { node, book, log } = init;
  /** Members speaking the protocol, connected now. */
  const members = new Map<string, PeerId>();
  /** What members were last told of each host (JSON of its destinations). */
  const told = new Map<string, string>();
  const pending = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const addressOf = (peer: PeerId): string | undefined => node.getConnections(peer).map((c) => remoteHostOf(c.remoteAddr)).find((a) => a !== undefined);
  const send = (peer: PeerId, full: boolean, hosts: readonly GroupSafeHost[]): void =>
    void sendSiteSafety(node, peer, { full, hosts }).catch((e: Error) => log(`site safety to ${peer.toString()}: ${e.message}`));
  const save = createBatchedSave(() => book.save(), log, 'group site safety');

  /** Tells every member the verdicts that differ from what they were told. */
  function announce(hosts?: Iterable<string>): void {
    timer = undefined;
    const verdicts = book.verdicts(hosts);
    const seen = new Set(verdicts.map((v) => v.host));
    // A full recount also finds hosts that left the answer (vetoed, or their members gone).
    if (hosts === undefined) for (const host of told.keys()) if (!seen.has(host)) verdicts.push({ host, allowed: {} });
    const changed = verdicts.filter((v) => (told.get(v.host) ?? '{}') !== JSON.stringify(v.allowed));
    for (const v of changed) {
      if (Object.keys(v.allowed).length === 0) told.delete(v.host);
      else told.set(v.host, JSON.stringify(v.allowed));
    }
    if (changed.length > 0) for (const peer of members.values()) send(peer, false, changed);
  }

  const server = createSiteSafetyServer({
    // Anyone past the gater and the group key: counts are braked per id and per address.
    accept: () => true,
    onMessage: (peer, m) => {
      if (!('facts' in m)) return; // another node's verdicts: not merged (each node counts its own members)
      for (const host of book.report(peer.toString(), m.facts, m.full, addressOf(peer))) pending.add(host);
      save();
      timer ??= setTimeout(() => {
        const hosts = [...pending];
        pending.clear();
        announce(hosts);
      }, ANNOUNCE_MS);
    },
    onFault: (peer, e) => {
      log(`site safety from ${peer.toString()}: ${e.message}`);
      void node.hangUp(peer).catch(() => undefined);
    },
  });
  await node.handle(server.protocol, init.limitStreams?.(server.protocol, server.handler) ?? server.handler);

  const onIdentify = (event: CustomEvent<{ peerId: PeerId; protocols: string[] }>): void => {
    if (!event.detail.protocols.includes(SITE_SAFETY_PROTOCOL)) return;
    const id = event.detail.peerId.toString();
    book.seen(id, addressOf(event.detail.peerId));
    members.set(id, event.detail.peerId);
    // Everything, at once: a member's first view of a site its colleagues saw is then covered.
    send(event.detail.peerId, true, book.verdicts());
  };
  const onDisconnect = (event: CustomEvent<PeerId>): void => void members.delete(event.detail.toString());
  node.addEventListener('peer:identify', onIdentify as never);
  node.addEventListener('peer:disconnect', onDisconnect as never);
  const recount = setInterval(() => announce(), init.everyMs ?? 60_000);

  return {
    async stop() {
      clearInterval(recount);
      clearTimeout(timer);
      node.removeEventListener('peer:identify', onIdentify as never);
      node.removeEventListener('peer:disconnect', onDisconnect as never);
      await save.flush();
    },
  };
}
