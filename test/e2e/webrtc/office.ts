// What a run of browsers meeting over WebRTC needs, made INSIDE a loopback-only network namespace
// (platform-notes.md: outside one, ICE would offer the machine's real address): the WebRTC policy,
// the test web, and a LAN node with no room, which browsers join. Shared by the WebRTC e2e
// (scenario.ts) and the store listing's LAN screenshot (scripts/store-assets-lan.ts).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { CHROME_EXTENSION_ID } from '../../../scripts/browsers/paths.ts';
import type { StatusView } from '../../../src/extension/messages.ts';
import { startLanNode, type LanNode } from '../../../src/node/lan-node.ts';
import { loopbackNodeConfig, wsAddressOf } from '../../support/lan-node.ts';
import { startOriginServer, type OriginServer } from '../../support/origin-server.ts';
import { pollUntil } from '../support/poll.ts';
import { routeSharedAssets } from '../support/test-web.ts';

/** Browser options for ICE on loopback (platform-notes.md). */
export const LOOPBACK_ICE = {
  // Chromium leaves `lo` out of ICE without this flag.
  extraArgs: ['--allow-loopback-in-peer-connection'],
  // Firefox: offer loopback host candidates, as real IPs rather than mDNS names.
  prefs: { 'media.peerconnection.ice.loopback': true, 'media.peerconnection.ice.obfuscate_host_addresses': false },
};

export interface WebrtcOffice {
  readonly origin: OriginServer;
  readonly node: LanNode;
  /** The LAN node's WebSockets address, which browsers are given. */
  readonly address: string;
  /** Stops the node and the origin and removes the policy file. */
  close(): Promise<void>;
}

/** Asks an extension page's background; how depends on the browser driver. */
export type Ask = <T>(message: { type: string; [k: string]: unknown }) => Promise<T>;

/**
 * Starts the office. `policyName` names this run's Chromium policy file: policy files are
 * machine-wide, and other tests write theirs.
 */
export async function openWebrtcOffice(policyName: string): Promise<WebrtcOffice> {
  // Chromium hides LAN addresses behind mDNS names, which nothing resolves in this namespace; the
  // policy an admin sets for PeerCache (docs/ADMIN.md) lets the extension use real host candidates.
  const policy = `/etc/chromium/policies/managed/${policyName}.json`;
  mkdirSync('/etc/chromium/policies/managed', { recursive: true });
  writeFileSync(policy, JSON.stringify({ WebRtcLocalIpsAllowedUrls: [`chrome-extension://${CHROME_EXTENSION_ID}`] }));
  const origin = await startOriginServer();
  routeSharedAssets(origin);
  // No room to host anything: a node takes in what a member learns as soon as it is told, and
  // browsers ask LAN nodes before other browsers, so with room the file would come from the node.
  // Here only the browser that learned it has it.
  const node = await startLanNode(loopbackNodeConfig({ cacheMB: 0 }), { log: () => {}, mdns: false, pullEveryMs: 3_600_000 });
  return {
    origin,
    node,
    address: wsAddressOf(node),
    async close() {
      await node.stop();
      await origin.close();
      rmSync(policy, { force: true });
    },
  };
}

/** Gives the extension `ask` reaches the office's LAN node; resolves once it is connected. */
export async function joinWebrtcOffice(ask: Ask, office: WebrtcOffice): Promise<void> {
  await ask({ type: 'ui-bg-set-setting', name: 'lanNodes', value: [office.address] });
  const s = await pollUntil(() => ask<StatusView>({ type: 'ui-bg-get-status' }), (v) => v.peers.lanNodes === 1);
  if (s.peers.lanNodes !== 1) throw new Error(`not connected to the LAN node: ${JSON.stringify(s.peers)}`);
}
