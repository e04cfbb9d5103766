/** A LAN node for tests: on 127.0.0.1 (loopback only), ports the OS picks, a fresh data directory. */
import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeConfig } from '../../src/node/config.ts';
import type { LanNode } from '../../src/node/lan-node.ts';

/** A fresh directory under the system's temporary directory, named after its use. */
export const tempDir = (use: string): string => mkdtempSync(join(tmpdir(), `peercache-${use}-`));

/** Ports free right now on 127.0.0.1 (bound together so they differ, then released). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** The node's configuration; `over` sets what the test cares about (cacheMB, groupKey…). */
export function loopbackNodeConfig(over: Partial<NodeConfig> = {}): NodeConfig {
  return { host: '127.0.0.1', tcpPort: 0, wsPort: 0, httpPort: 0, dataDir: tempDir('lan-node'), cacheMB: 16, groupKey: '', ...over };
}

/** The node's WebSockets address, which browsers dial. */
export const wsAddressOf = (node: LanNode): string => node.addresses().find((a) => a.includes('/ws/')) as string;
