/**
 * `peercache-node` as an admin runs it: a child process that prints its addresses and ends
 * cleanly on SIGTERM (what systemd and `docker stop` send).
 *
 * The daemon starts itself again with its memory tuning; SIGTERM to the command reaches it.
 * The SIGTERM test starts `bin/peercache-node.js` with this Node (the Node 24 that `npx node`
 * resolves to), not through `npx`: npm exec does not pass SIGTERM on to its child, which is
 * left running as an orphan, so a service manager must start the script itself.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePorts, tempDir } from '../../support/lan-node.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(repo, 'bin', 'peercache-node.js');

/** A `node` on PATH outside node_modules that is too old to strip types, if this machine has one. */
function oldSystemNode(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'node');
    if (dir.includes('node_modules') || !existsSync(candidate)) continue;
    const version = spawnSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
    const [major = 0, minor = 0] = version.split('.').map(Number);
    if (major < 22 || (major === 22 && minor < 18)) return candidate;
  }
  return undefined;
}

describe('peercache-node command', () => {
  it('prints its listening addresses and exits 0 soon after SIGTERM', async () => {
    const [tcpPort, wsPort, httpPort] = await freePorts(3);
    const dataDir = tempDir('lan-node');
    const child = spawn(
      process.execPath,
      [bin, '--host', '127.0.0.1', '--tcp-port', String(tcpPort), '--ws-port', String(wsPort), '--http-port', String(httpPort), '--data-dir', dataDir],
      { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    try {
      const deadline = Date.now() + 15_000;
      while (!out.includes('status http://')) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`node did not start:\n${out}\n${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const lines = out.split('\n').filter((l) => l.startsWith('listening '));
      expect(lines).toEqual([
        expect.stringMatching(new RegExp(`^listening /ip4/127\\.0\\.0\\.1/tcp/${tcpPort}/p2p/12D3Koo\\w+$`)),
        expect.stringMatching(new RegExp(`^listening /ip4/127\\.0\\.0\\.1/tcp/${wsPort}/ws/p2p/12D3Koo\\w+$`)),
      ]);
      expect((await fetch(`http://127.0.0.1:${httpPort}/healthz`)).status).toBe(200);
      // The daemon runs with its memory tuning (bin/peercache-node.js starts itself again with it):
      // without it, 200 peers took it to 236-363 MB instead of 164-176 MB (npm run bench -- node-load).
      const daemon = Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim());
      expect(readFileSync(`/proc/${daemon}/cmdline`, 'utf8').split('\0')).toEqual(expect.arrayContaining(['--max-semi-space-size=4', '--heap-growing-percent=20']));
      expect(readFileSync(`/proc/${daemon}/environ`, 'utf8').split('\0')).toContain('MALLOC_MMAP_THRESHOLD_=32768');

      const t0 = Date.now();
      child.kill('SIGTERM');
      const result = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 5000))]);
      expect(result).toEqual({ code: 0, signal: null });
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(out).toContain('stopped');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('stops the daemon when the command is killed outright (SIGKILL passes nothing on)', async () => {
    const [tcpPort, wsPort, httpPort] = await freePorts(3);
    const child = spawn(
      process.execPath,
      [bin, '--host', '127.0.0.1', '--tcp-port', String(tcpPort), '--ws-port', String(wsPort), '--http-port', String(httpPort), '--data-dir', tempDir('lan-node')],
      { cwd: repo, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    let daemon = 0;
    try {
      const deadline = Date.now() + 15_000;
      while (!out.includes('status http://')) {
        if (Date.now() > deadline) throw new Error(`node did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      daemon = Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim());
      child.kill('SIGKILL');
      // Left running, it would keep serving the LAN with nobody to stop it.
      const gone = Date.now() + 5_000;
      while (existsSync(`/proc/${daemon}`) && !readFileSync(`/proc/${daemon}/stat`, 'utf8').includes(') Z ') && Date.now() < gone) await new Promise((r) => setTimeout(r, 100));
      expect(existsSync(`/proc/${daemon}`) && !readFileSync(`/proc/${daemon}/stat`, 'utf8').includes(') Z ')).toBe(false);
      expect(out).toContain('stopped');
    } finally {
      if (daemon && existsSync(`/proc/${daemon}`)) process.kill(daemon, 'SIGKILL');
    }
  });

  it('answers `npx peercache-node --help` from the repository', () => {
    const out = execFileSync('npx', ['peercache-node', '--help'], { cwd: repo, encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'ignore'] });
    expect(out).toContain('usage: peercache-node');
  });

  it('exits 2 with a message on a bad setting', () => {
    const r = spawnSync(process.execPath, [bin, '--ws-port', '70000'], { cwd: repo, encoding: 'utf8', timeout: 10_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('wsPort must be a port number');
  });

  const oldNode = oldSystemNode();
  it.skipIf(!oldNode)('names the Node version it needs when started by an older Node', () => {
    const r = spawnSync(oldNode as string, [bin, '--help'], { cwd: repo, encoding: 'utf8', timeout: 10_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('needs Node.js 22.18.0 or newer');
  });
});
