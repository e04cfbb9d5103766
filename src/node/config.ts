/**
 * Configuration of the LAN node daemon (`peercache-node`): defaults, a JSON config file, and
 * command-line flags, in rising precedence. Every value is checked with a message an admin can
 * act on; the daemon refuses to start on a bad one rather than guess.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { multiaddr } from '@multiformats/multiaddr';
import { isLanIPv4, isLanIPv6 } from '../core/lan-address.ts';
import { isLanMultiaddr } from '../p2p/lan-gate.ts';
import { DEFAULT_HOLDERS_PER_ADDRESS, DEFAULT_MEMBER_AGE_MINUTES } from './group-bindings.ts';

/** The daemon's effective configuration. */
export interface NodeConfig {
  /** Address to listen on: a LAN IP, or 0.0.0.0 / :: for all interfaces (the gater still refuses non-LAN peers). */
  readonly host: string;
  readonly tcpPort: number;
  readonly wsPort: number;
  /** Status page and Prometheus /metrics. */
  readonly httpPort: number;
  /** Where the status page listens, if not on `host`: 127.0.0.1 keeps it to this machine. */
  readonly httpHost?: string;
  /** Host names the status page answers to besides IP addresses and localhost (DNS rebinding). */
  readonly statusNames?: readonly string[];
  readonly dataDir: string;
  readonly cacheMB: number;
  /** 64 hex characters, or '' for no group. */
  readonly groupKey: string;
  /**
   * Other LAN nodes of this group to stay connected to (a node per subnet, or a standby), each a
   * LAN multiaddr ending in `/p2p/<peer id>`: the id pins the node, so only it is trusted with
   * its book's counts. mDNS finds nodes on the same subnet without this.
   */
  readonly peers?: readonly string[];
  /**
   * The brake on minted peer ids in the group's bindings book (node/group-members.ts): an id's
   * reports count toward a binding's holders only after it has been a member this long
   * (daemon default 10 minutes), and at most `holdersPerAddress` ids of one IP address count
   * (daemon default 1). {@link loadNodeConfig} always sets both; absent (a node started in code:
   * tests, benches), there is no brake.
   */
  readonly memberAgeMinutes?: number;
  readonly holdersPerAddress?: number;
}

/** A configuration value the daemon cannot start with. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Defaults: ports next to libp2p's customary 4001, data under the XDG data home. */
export function defaultNodeConfig(env: Record<string, string | undefined> = process.env): NodeConfig {
  const dataHome = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return {
    host: '0.0.0.0', tcpPort: 4001, wsPort: 4002, httpPort: 4080, dataDir: join(dataHome, 'peercache-node'), cacheMB: 10_240, groupKey: '', peers: [], statusNames: [],
    memberAgeMinutes: DEFAULT_MEMBER_AGE_MINUTES, holdersPerAddress: DEFAULT_HOLDERS_PER_ADDRESS,
  };
}

export const USAGE = `usage: peercache-node [options]
  --host ADDR        listen address: a LAN IP, or 0.0.0.0 / :: for all (default 0.0.0.0)
  --tcp-port N       libp2p TCP port (default 4001)
  --ws-port N        libp2p WebSockets port, the one browsers dial (default 4002)
  --http-port N      status page and /metrics (default 4080)
  --http-host ADDR   where the status page listens (default: --host); 127.0.0.1 keeps it local
  --status-name NAME a host name the status page answers to, e.g. peercache.corp.lan (repeatable;
                     IP addresses and localhost always work, other names are refused)
  --data-dir DIR     hosted cache, node identity and the group's bindings (default $XDG_DATA_HOME/peercache-node)
  --cache-mb N       hosted cache size in MB (default 10240)
  --group-key-file F file holding the 64-hex-character group key (default: no group); with one,
                     only members connect, and the node keeps the URL bindings members report
  --peer MULTIADDR   another LAN node of the group, e.g. /ip4/10.0.2.5/tcp/4001/p2p/12D3KooW…
                     (repeatable): kept connected, blocks and the bindings book shared both ways
  --member-age-minutes N
                     a member's reports count toward a binding's holders only after it has been
                     a member (connected or reporting) this long (default 10; 0: at once)
  --holders-per-address N
                     most member ids of one IP address counted per binding (default 1; raise it
                     for terminal servers whose users share one address)
  --config FILE      JSON file with any of: host, tcpPort, wsPort, httpPort, httpHost, statusNames,
                     dataDir, cacheMB, groupKey, peers, memberAgeMinutes, holdersPerAddress
  -h, --help         this text`;

function port(name: string, v: unknown): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) throw new ConfigError(`${name} must be a port number from 1 to 65535, got ${JSON.stringify(v)}`);
  return n;
}

function listenAddress(name: string, v: unknown): string {
  const host = String(v);
  if (!['0.0.0.0', '::'].includes(host) && !isLanIPv4(host) && !isLanIPv6(host)) {
    throw new ConfigError(`${name} must be a local-network IP address or 0.0.0.0 / ::, got ${JSON.stringify(v)}`);
  }
  return host;
}

/** `statusNames`: DNS names (letters, digits, hyphens, dots). */
function statusNames(v: unknown): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.length > 16) throw new ConfigError('statusNames must be a list of at most 16 host names');
  return v.map((n) => {
    const name = String(n).trim().toLowerCase();
    if (!/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(name)) throw new ConfigError(`status name ${JSON.stringify(n)} is not a host name`);
    return name;
  });
}

function validate(c: Record<string, unknown>): NodeConfig {
  const host = listenAddress('host', c.host);
  const cacheMB = typeof c.cacheMB === 'string' ? Number(c.cacheMB) : c.cacheMB;
  if (typeof cacheMB !== 'number' || !Number.isInteger(cacheMB) || cacheMB < 16) throw new ConfigError(`cacheMB must be a whole number of at least 16, got ${JSON.stringify(c.cacheMB)}`);
  const groupKey = String(c.groupKey ?? '').trim().toLowerCase();
  if (groupKey !== '' && !/^[0-9a-f]{64}$/.test(groupKey)) throw new ConfigError('groupKey must be 64 hexadecimal characters (e.g. from `openssl rand -hex 32`)');
  const ports = { tcpPort: port('tcpPort', c.tcpPort), wsPort: port('wsPort', c.wsPort), httpPort: port('httpPort', c.httpPort) };
  if (new Set(Object.values(ports)).size !== 3) throw new ConfigError(`tcpPort, wsPort and httpPort must differ, got ${Object.values(ports).join(', ')}`);
  if (typeof c.dataDir !== 'string' || c.dataDir === '') throw new ConfigError('dataDir must be a directory path');
  return {
    host, ...ports, dataDir: c.dataDir, cacheMB, groupKey, peers: nodePeers(c.peers),
    memberAgeMinutes: wholeNumber('memberAgeMinutes', c.memberAgeMinutes, 0, 10_080),
    holdersPerAddress: wholeNumber('holdersPerAddress', c.holdersPerAddress, 1, 1_000),
    ...(c.httpHost !== undefined ? { httpHost: listenAddress('httpHost', c.httpHost) } : {}),
    statusNames: statusNames(c.statusNames),
  };
}

function wholeNumber(name: string, v: unknown, min: number, max: number): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return n;
}

/** `peers`: LAN multiaddrs each naming its node's peer id. */
function nodePeers(v: unknown): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.length > 16) throw new ConfigError('peers must be a list of at most 16 multiaddrs');
  return v.map((a) => {
    let ma;
    try {
      ma = multiaddr(String(a));
    } catch {
      throw new ConfigError(`peer ${JSON.stringify(a)} is not a multiaddr`);
    }
    if (!isLanMultiaddr(ma)) throw new ConfigError(`peer ${String(a)} is not a local-network address`);
    if (!ma.getComponents().some((c) => c.name === 'p2p')) throw new ConfigError(`peer ${String(a)} must end in /p2p/<peer id> (the id pins that node)`);
    return ma.toString();
  });
}

/**
 * Builds the configuration from argv (without `node` and the script) over an optional JSON
 * file over the defaults. Returns 'help' when help was asked for.
 */
export function loadNodeConfig(argv: readonly string[], env: Record<string, string | undefined> = process.env): NodeConfig | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        host: { type: 'string' }, 'tcp-port': { type: 'string' }, 'ws-port': { type: 'string' }, 'http-port': { type: 'string' },
        'data-dir': { type: 'string' }, 'cache-mb': { type: 'string' }, 'group-key-file': { type: 'string' }, config: { type: 'string' },
        peer: { type: 'string', multiple: true }, 'http-host': { type: 'string' }, 'status-name': { type: 'string', multiple: true },
        'member-age-minutes': { type: 'string' }, 'holders-per-address': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  if (parsed.help) return 'help';
  let file: Record<string, unknown> = {};
  if (parsed.config) {
    try {
      file = JSON.parse(readFileSync(parsed.config, 'utf8'));
    } catch (e) {
      throw new ConfigError(`cannot read config file ${parsed.config}: ${(e as Error).message}`);
    }
    if (typeof file !== 'object' || file === null || Array.isArray(file)) throw new ConfigError(`config file ${parsed.config} must hold a JSON object`);
    const known = new Set([...Object.keys(defaultNodeConfig(env)), 'httpHost']);
    const unknown = Object.keys(file).filter((k) => !known.has(k));
    if (unknown.length) throw new ConfigError(`config file ${parsed.config}: unknown setting(s) ${unknown.join(', ')}`);
  }
  const flags: Record<string, unknown> = {};
  if (parsed.host !== undefined) flags.host = parsed.host;
  if (parsed['tcp-port'] !== undefined) flags.tcpPort = parsed['tcp-port'];
  if (parsed['ws-port'] !== undefined) flags.wsPort = parsed['ws-port'];
  if (parsed['http-port'] !== undefined) flags.httpPort = parsed['http-port'];
  if (parsed['data-dir'] !== undefined) flags.dataDir = parsed['data-dir'];
  if (parsed['cache-mb'] !== undefined) flags.cacheMB = parsed['cache-mb'];
  if (parsed.peer !== undefined) flags.peers = parsed.peer;
  if (parsed['http-host'] !== undefined) flags.httpHost = parsed['http-host'];
  if (parsed['status-name'] !== undefined) flags.statusNames = parsed['status-name'];
  if (parsed['member-age-minutes'] !== undefined) flags.memberAgeMinutes = parsed['member-age-minutes'];
  if (parsed['holders-per-address'] !== undefined) flags.holdersPerAddress = parsed['holders-per-address'];
  if (parsed['group-key-file'] !== undefined) {
    try {
      flags.groupKey = readFileSync(parsed['group-key-file'], 'utf8');
    } catch (e) {
      throw new ConfigError(`cannot read group key file: ${(e as Error).message}`);
    }
  }
  return validate({ ...defaultNodeConfig(env), ...file, ...flags });
}
