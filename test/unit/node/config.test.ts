import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadNodeConfig } from '../../../src/node/config.ts';
import { tempDir } from '../../support/lan-node.ts';

const env = { XDG_DATA_HOME: '/var/lib' };
const tmp = (): string => tempDir('node-config');

describe('LAN node configuration', () => {
  it('starts with no flags on sane defaults', () => {
    expect(loadNodeConfig([], env)).toEqual({
      host: '0.0.0.0', tcpPort: 4001, wsPort: 4002, httpPort: 4080, dataDir: '/var/lib/peercache-node', cacheMB: 10240, groupKey: '', peers: [], statusNames: [],
      memberAgeMinutes: 10, holdersPerAddress: 1,
    });
  });

  it('takes the brake on minted ids from flags, and refuses values that are not whole numbers in range', () => {
    expect(loadNodeConfig(['--member-age-minutes', '0', '--holders-per-address', '20'], env)).toMatchObject({ memberAgeMinutes: 0, holdersPerAddress: 20 });
    expect(() => loadNodeConfig(['--member-age-minutes=-1'], env)).toThrow(/memberAgeMinutes must be a whole number from 0/);
    expect(() => loadNodeConfig(['--holders-per-address', '0'], env)).toThrow(/holdersPerAddress must be a whole number from 1/);
  });

  it('takes other LAN nodes with --peer, each pinned by its peer id, and refuses one it could not pin or that is not on the LAN', () => {
    const id = '12D3KooWGRUVh2hprzeXxA4Xi5nFXbZSe4Eu64xLomJzHbKxRuRu';
    const peer = `/ip4/10.0.2.5/tcp/4001/p2p/${id}`;
    expect(loadNodeConfig(['--peer', peer, '--peer', `/ip4/192.168.1.9/tcp/4001/p2p/${id}`], env)).toMatchObject({ peers: [peer, `/ip4/192.168.1.9/tcp/4001/p2p/${id}`] });
    expect(() => loadNodeConfig(['--peer', '/ip4/10.0.2.5/tcp/4001'], env)).toThrow(/must end in \/p2p\/<peer id>/);
    expect(() => loadNodeConfig(['--peer', `/ip4/8.8.8.8/tcp/4001/p2p/${id}`], env)).toThrow(/not a local-network address/);
    expect(() => loadNodeConfig(['--peer', 'not-an-address'], env)).toThrow(ConfigError);
  });

  it('keeps the status page to this machine with --http-host, and names it may be browsed by with --status-name', () => {
    expect(loadNodeConfig(['--http-host', '127.0.0.1', '--status-name', 'PeerCache.corp.lan', '--status-name', 'node-2'], env)).toMatchObject({
      host: '0.0.0.0', httpHost: '127.0.0.1', statusNames: ['peercache.corp.lan', 'node-2'],
    });
    const dir = tmp();
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ httpHost: '::1', statusNames: ['status.lan'] }));
    expect(loadNodeConfig(['--config', join(dir, 'c.json')], env)).toMatchObject({ httpHost: '::1', statusNames: ['status.lan'] });
    expect(() => loadNodeConfig(['--http-host', '203.0.113.7'], env)).toThrow(/httpHost must be a local-network IP/);
    expect(() => loadNodeConfig(['--status-name', 'bad name/'], env)).toThrow(/is not a host name/);
  });

  it('lets flags win over the config file, and the file over defaults', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ wsPort: 5002, cacheMB: 100 }));
    expect(loadNodeConfig(['--config', join(dir, 'c.json'), '--cache-mb', '200'], env)).toMatchObject({ wsPort: 5002, cacheMB: 200 });
  });

  it('reads the group key from a file', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'key'), `${'AB'.repeat(32)}\n`);
    expect(loadNodeConfig(['--group-key-file', join(dir, 'key')], env)).toMatchObject({ groupKey: 'ab'.repeat(32) });
  });

  it.each([
    [['--host', '8.8.8.8'], 'local-network IP'],
    [['--ws-port', '70000'], 'port number'],
    [['--ws-port', '4001'], 'must differ'],
    [['--cache-mb', 'lots'], 'cacheMB'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['--config', '/nonexistent/peercache.json'], 'cannot read config file'],
  ])('refuses %j with a message that says what is wrong', (argv, message) => {
    expect(() => loadNodeConfig(argv, env)).toThrow(ConfigError);
    expect(() => loadNodeConfig(argv, env)).toThrow(message);
  });

  it('refuses unknown keys in the config file rather than ignoring a typo', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ wsport: 5002 }));
    expect(() => loadNodeConfig(['--config', join(dir, 'c.json')], env)).toThrow('unknown setting(s) wsport');
  });

  it('answers --help', () => {
    expect(loadNodeConfig(['-h'], env)).toBe('help');
  });
});
