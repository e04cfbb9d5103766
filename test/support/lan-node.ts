/** A LAN node for tests: on 127.0.0.1 (loopback only), ports the OS picks, a fresh data directory. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeConfig } from '../../src/node/config.ts';
import type { LanNode } from '../../src/node/lan-node.ts';

/** A fresh directory under the system's temporary directory, named after its use. */
export const tempDir = (use: string): string => mkdtempSync(join(tmpdir(), `peercache-${use}-`));

/** The node's configuration; `over` sets what the test cares about (cacheMB, groupKey…). */
export function loopbackNodeConfig(over: Partial<NodeConfig> = {}): NodeConfig {
  return { host: '127.0.0.1', tcpPort: 0, wsPort: 0, httpPort: 0, dataDir: tempDir('lan-node'), cacheMB: 16, groupKey: '', ...over };
}

/** The node's WebSockets address, which browsers dial. */
export const wsAddressOf = (node: LanNode): string => node.addresses().find((a) => a.includes('/ws/')) as string;
