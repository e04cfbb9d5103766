// The page half of webrtc.bench.ts, bundled for the browser (target 'web') by scenario.ts: the
// product's browser node and block client/server, driven from Node through `window.bench`.
// Times are taken here with performance.now(), so Playwright's round trips are not in them.
import type { Libp2p } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { createBlockServer, fetchBlock } from '../../src/p2p/block/index.ts';
import { createBrowserNode } from '../../src/p2p/browser-node.ts';
import { rawChannel } from './raw-channel.ts';

const until = async (ready: () => boolean, ms: number, what: string): Promise<void> => {
  const deadline = performance.now() + ms;
  while (!ready()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

let node: Libp2p | undefined;
function need(): Libp2p {
  if (!node) throw new Error('start() first');
  return node;
}

const bench = {
  rawOffer: rawChannel.offer,
  rawAnswer: rawChannel.answer,
  rawAccept: rawChannel.accept,
  rawFetchTimes: rawChannel.fetchTimes,
  /** Starts the node (again), connects to the relay (the LAN node) and waits for a relay reservation. */
  async start(relay: string, maxMessageBytes?: number): Promise<string> {
    await node?.stop();
    node = await createBrowserNode({ groupKey: '', maxMessageBytes });
    await node.dial(multiaddr(relay), { signal: AbortSignal.timeout(10_000) });
    await until(() => need().getMultiaddrs().some((a) => a.toString().includes('/p2p-circuit')), 15_000, 'a relay reservation');
    return node.peerId.toString();
  },

  /** Serves the given blocks, fetched once from the origin (keys computed in Node). */
  async serve(blocks: { key: string; url: string }[]): Promise<void> {
    const bytes = new Map<string, Uint8Array>();
    for (const b of blocks) {
      const res = await fetch(b.url, { signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(`${b.url}: HTTP ${res.status}`);
      bytes.set(b.key, new Uint8Array(await res.arrayBuffer()));
    }
    const server = createBlockServer({ getBlock: async (k) => (bytes.has(k) ? { status: 'found', bytes: bytes.get(k) as Uint8Array } : { status: 'not-found' }) });
    await need().handle(server.protocol, server.handler, { maxInboundStreams: server.maxInboundStreams });
  },

  /** ms from dial() to a connection and what it is (direct WebRTC, unlimited?), or why not. */
  async dial(addr: string): Promise<{ ms: number; remoteAddr?: string; limited?: boolean; error?: string; steps?: string }> {
    const t = performance.now();
    // libp2p's progress events of this dial: a failed dial says which step it never left.
    const steps: string[] = [];
    const onProgress = (e: { type: string }): void => void steps.push(`${e.type}@${Math.round(performance.now() - t)}`);
    try {
      const conn = await need().dial(multiaddr(addr), { signal: AbortSignal.timeout(10_000), onProgress });
      const ms = performance.now() - t;
      return { ms, remoteAddr: conn.remoteAddr.toString(), limited: conn.limits !== undefined };
    } catch (e) {
      return { ms: performance.now() - t, error: String(e), steps: steps.join(' ') };
    }
  },

  /** States of the last `n` RTCPeerConnections made (diagnostics of a failed dial). */
  pcStates(n: number): string[] {
    const pcs = (window as unknown as { peerConnections?: RTCPeerConnection[] }).peerConnections ?? [];
    return pcs.slice(-n).map((pc) => `${pc.connectionState}/${pc.iceConnectionState}/${pc.signalingState}: ${((pc as unknown as { seen?: string[] }).seen ?? []).join(' ')}`);
  },

  /** Closes every connection to `peer` (the relayed one too), so the next dial starts afresh. */
  async hangUp(peer: string): Promise<void> {
    await need().hangUp(peerIdFromString(peer), { signal: AbortSignal.timeout(5_000) });
    await until(() => need().getConnections(peerIdFromString(peer)).length === 0, 5_000, 'the hang-up');
  },

  /** ms per fetchBlock of `key` from `peer`, `runs` times on the existing connection. */
  async fetchTimes(peer: string, key: string, maxBytes: number, runs: number): Promise<number[]> {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const r = await fetchBlock(need(), peerIdFromString(peer), key, { maxBytes, timeoutMs: 60_000 });
      if (r.status !== 'found' || r.bytes.length !== maxBytes) throw new Error(`fetch ${i}: ${r.status}`);
      times.push(performance.now() - t);
    }
    return times;
  },

  /** The connections to `peer`: the fetches must have used a direct, unlimited one. */
  connections(peer: string): { remoteAddr: string; limited: boolean }[] {
    return need().getConnections(peerIdFromString(peer)).map((c) => ({ remoteAddr: c.remoteAddr.toString(), limited: c.limits !== undefined }));
  },

  /** The ICE pairs in use (scenario.ts records every RTCPeerConnection): host 127.0.0.1 both ends? */
  async icePairs(): Promise<string[]> {
    const pcs = (window as unknown as { peerConnections?: RTCPeerConnection[] }).peerConnections ?? [];
    const pairs: string[] = [];
    for (const pc of pcs.filter((p) => p.connectionState === 'connected')) {
      const stats = [...(await pc.getStats()).values()] as Record<string, string>[];
      const byId = new Map(stats.map((s) => [s.id, s]));
      const transport = stats.find((s) => s.type === 'transport');
      const pair = byId.get(transport?.selectedCandidatePairId ?? '');
      const [l, r] = [byId.get(pair?.localCandidateId ?? ''), byId.get(pair?.remoteCandidateId ?? '')];
      if (l && r) pairs.push(`${l.candidateType} ${l.protocol} ${l.address} <-> ${r.candidateType} ${r.protocol} ${r.address}`);
    }
    return pairs;
  },
};

export type PageBench = typeof bench;
(window as unknown as { bench: PageBench }).bench = bench;
