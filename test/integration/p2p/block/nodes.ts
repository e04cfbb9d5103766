/**
 * Real libp2p nodes for the block protocol tests: TCP on 127.0.0.1, noise as the LAN node
 * sets it up (TCP is how LAN nodes reach each other), yamux and the LAN-only gater, all in
 * this process.
 */
import type { Libp2p, Stream } from '@libp2p/interface';
import { tcp, type TCPSocketOptions } from '@libp2p/tcp';
import { yamux } from '@libp2p/yamux';
import { createLibp2p } from 'libp2p';
import type { SriAlgorithm } from '../../../../src/core/integrity/index.ts';
import { keyOf as keyBy } from '../../../support/bytes.ts';
import { createLanGater } from '../../../../src/p2p/lan-gate.ts';
import { lanNodeNoise } from '../../../../src/node/noise-crypto.ts';

/**
 * Start a node listening on a free loopback port; `encrypter` defaults to the LAN node's noise.
 * `localAddress` (e.g. 127.0.0.2) is where its dials leave from: another machine, for limits
 * per address (127.0.0.0/8 is all loopback on Linux).
 */
export async function startNode(encrypter = lanNodeNoise(), localAddress?: string): Promise<Libp2p> {
  // @libp2p/tcp hands dialOpts to net.connect, localAddress included (its type leaves it out).
  const dialOpts = (localAddress ? { localAddress } : {}) as TCPSocketOptions;
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp({ dialOpts })],
    connectionEncrypters: [encrypter],
    streamMuxers: [yamux()],
    connectionGater: createLanGater(),
  });
}

/** The address to dial `node` at. */
export function addressOf(node: Libp2p) {
  const ma = node.getMultiaddrs()[0];
  if (ma === undefined) throw new Error('node has no listen address');
  return ma;
}

export { bytesOf } from '../../../support/bytes.ts';

/** The multihash key of `bytes`; these tests name blocks by sha256 unless they say otherwise. */
export const keyOf = (bytes: Uint8Array, algorithm: SriAlgorithm = 'sha256'): Promise<string> => keyBy(bytes, algorithm);

/** Send `bytes`, waiting for the stream to take them (backpressure). */
export async function sendAll(stream: Stream, bytes: Uint8Array): Promise<void> {
  if (!stream.send(bytes)) await stream.onDrain();
}

/** Everything the remote sends until it closes, or what arrived before an error or `ms`. */
export async function readAll(stream: Stream, ms = 3000): Promise<{ bytes: Uint8Array; error?: Error }> {
  const chunks: Uint8Array[] = [];
  let error: Error | undefined;
  const timer = setTimeout(() => stream.abort(new Error('test read timeout')), ms);
  try {
    for await (const chunk of stream) chunks.push(chunk instanceof Uint8Array ? chunk : chunk.subarray());
  } catch (e) {
    error = e as Error;
  } finally {
    clearTimeout(timer);
  }
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.length;
  }
  return { bytes, error };
}

/** Resolve after `ms`. */
export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
