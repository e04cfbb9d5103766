/**
 * The LAN node in this process on 127.0.0.1 (ports 0: the OS picks), and client libp2p nodes
 * that dial it the way browsers (WebSockets, circuit relay) and other LAN nodes (TCP) do.
 */
import { noise } from '@chainsafe/libp2p-noise';
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2';
import { identify, type Identify } from '@libp2p/identify';
import type { Libp2p } from '@libp2p/interface';
import { ping, type Ping } from '@libp2p/ping';
import { preSharedKey } from '@libp2p/pnet';
import { tcp, type TCPSocketOptions } from '@libp2p/tcp';
import { webSockets } from '@libp2p/websockets';
import { yamux } from '@libp2p/yamux';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';
import type { NodeConfig } from '../../../src/node/config.ts';
import { groupKeyToPsk, startLanNode, type LanNode } from '../../../src/node/lan-node.ts';
import { createLanGater } from '../../../src/p2p/lan-gate.ts';
import { keyOf } from '../../support/bytes.ts';
import { loopbackNodeConfig } from '../../support/lan-node.ts';

/** Starts the LAN node on loopback with OS-picked ports; `lines` collects what it logs. */
export async function startTestNode(over: Partial<NodeConfig> = {}): Promise<{ node: LanNode; lines: string[] }> {
  const lines: string[] = [];
  const node = await startLanNode(loopbackNodeConfig(over), { log: (l) => lines.push(l), version: 'test' });
  return { node, lines };
}

/** The node's TCP or WebSockets address, with `/p2p/<id>`. */
export function addressOf(node: LanNode, kind: 'tcp' | 'ws'): Multiaddr {
  const text = node.addresses().find((a) => a.includes('/ws/') === (kind === 'ws'));
  if (!text) throw new Error(`node has no ${kind} address: ${node.addresses().join(' ')}`);
  return multiaddr(text);
}

/** Options of a client node. */
export interface ClientOptions {
  readonly transport: 'tcp' | 'ws';
  /** Hex group key, or none. */
  readonly groupKey?: string;
  /** Listen on a relay slot at this address (`<relay>/p2p-circuit`), as a browser does. */
  readonly relayListen?: string;
  /** TCP dials leave from this loopback address (127.0.0.2, …): another machine, for limits per address. */
  readonly localAddress?: string;
}

/** Services of a client node. */
export type ClientServices = { identify: Identify; ping: Ping };

/** A client libp2p node with the same LAN gater as the product. */
export async function startClient(opts: ClientOptions): Promise<Libp2p<ClientServices>> {
  return createLibp2p<ClientServices>({
    addresses: { listen: opts.relayListen ? [opts.relayListen] : [] },
    transports: [
      // @libp2p/tcp hands dialOpts to net.connect, localAddress included (its type leaves it out).
      opts.transport === 'tcp' ? tcp({ dialOpts: (opts.localAddress ? { localAddress: opts.localAddress } : {}) as TCPSocketOptions }) : webSockets(),
      ...(opts.relayListen ? [circuitRelayTransport()] : []),
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: createLanGater(),
    ...(opts.groupKey ? { connectionProtector: preSharedKey({ psk: groupKeyToPsk(opts.groupKey), timeout: 500 }) } : {}),
    services: { identify: identify(), ping: ping() },
  });
}

/** Bytes and their multihash key. */
export async function blockOf(text: string): Promise<{ key: string; bytes: Uint8Array }> {
  const bytes = new TextEncoder().encode(text);
  return { key: await keyOf(bytes, 'sha256'), bytes };
}
