/**
 * Two LAN nodes on two subnets (issue 12, item 6), as `peercache-node` daemons in two network
 * namespaces this test creates, joined by a veth pair (10.213.0.1 and 10.213.0.2, private
 * addresses nobody else has): B is configured with `--peer` A's address and id. What A hosts
 * and what A's book holds reach B over the real network stack between two hosts. Needs root
 * and `ip netns`; skipped otherwise.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openHostedCache } from '../../../src/node/hosted-cache.ts';
import { ROOT } from '../../../scripts/browsers/paths.ts';
import { blockOf } from './harness.ts';
import { waitFor } from '../../support/wait.ts';
import { tempDir } from '../../support/lan-node.ts';

const GROUP = '3c'.repeat(32);
const tag = String(process.pid % 100_000);
const NS = [`pcA${tag}`, `pcB${tag}`] as const;
const IP = ['10.213.0.1', '10.213.0.2'] as const;
const canNetns = process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0;

const ip = (...args: string[]): void => {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
};
const daemons: ChildProcess[] = [];
afterAll(() => {
  for (const d of daemons) d.kill('SIGKILL');
  if (canNetns) for (const ns of NS) spawnSync('ip', ['netns', 'delete', ns]);
});

/** Starts `peercache-node` in namespace `i`; resolves with its log lines so far, once it listens. */
async function daemon(i: 0 | 1, dataDir: string, keyFile: string, extra: string[] = []): Promise<{ lines: string[]; tcp: () => string | undefined }> {
  const child = spawn('ip', ['netns', 'exec', NS[i], process.execPath, join(ROOT, 'bin', 'peercache-node.js'),
    '--host', IP[i], '--tcp-port', '4101', '--ws-port', '4102', '--http-port', '4180', '--data-dir', dataDir, '--group-key-file', keyFile, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  daemons.push(child);
  const lines: string[] = [];
  const take = (b: Buffer): void => void lines.push(...b.toString().split('\n').filter(Boolean));
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  await waitFor(() => lines.some((l) => l.includes('status http://')), 15_000, `node ${i} starting (${lines.join(' | ')})`);
  return { lines, tcp: () => lines.find((l) => /listening \/ip4\/.*\/tcp\/4101\/p2p\//.test(l))?.replace(/^.*listening /, '') };
}

/** Reads a metric of the node in namespace `i` from inside that namespace. */
function metric(i: 0 | 1, name: string): number {
  const r = spawnSync('ip', ['netns', 'exec', NS[i], process.execPath, '-e',
    `fetch('http://${IP[i]}:4180/metrics').then((r) => r.text()).then((t) => console.log(t))`], { encoding: 'utf8', timeout: 5_000 });
  return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(r.stdout)?.[1] ?? NaN);
}

describe.skipIf(!canNetns)('two LAN nodes in two network namespaces, connected by --peer', () => {
  it('B connects to A by its pinned address and takes in A\'s hosted blocks and bindings book', async () => {
    for (const ns of NS) ip('netns', 'add', ns);
    ip('link', 'add', `vA${tag}`, 'type', 'veth', 'peer', 'name', `vB${tag}`);
    ip('link', 'set', `vA${tag}`, 'netns', NS[0]);
    ip('link', 'set', `vB${tag}`, 'netns', NS[1]);
    for (const [i, dev] of [[0, `vA${tag}`], [1, `vB${tag}`]] as const) {
      ip('-n', NS[i], 'link', 'set', 'lo', 'up');
      ip('-n', NS[i], 'addr', 'add', `${IP[i]}/24`, 'dev', dev);
      ip('-n', NS[i], 'link', 'set', dev, 'up');
    }
    const keyFile = join(tempDir('lan-node'), 'group.key');
    await writeFile(keyFile, GROUP);
    // A already hosts a file and knows the binding a member reported for it.
    const dirA = tempDir('lan-node');
    const block = await blockOf(`window.subnet = 1; /* ${'s'.repeat(3000)} */`);
    const cache = await openHostedCache({ dir: join(dirA, 'blocks'), maxBytes: 16 * 2 ** 20 });
    await cache.put(block.key, block.bytes);
    await cache.close();
    const url = 'https://intranet.test/js/app.js';
    // Reported an hour ago: the daemon counts members only once they are 10 minutes old (the
    // brake on minted ids, --member-age-minutes), and a book from before names them members since.
    await writeFile(join(dirA, 'group-bindings.json'), JSON.stringify({ entries: [{ url, mh: block.key, freshUntil: Date.now() + 86_400_000, type: 'text/javascript', corsAnyOrigin: true, reporters: ['member-1', 'member-2'], reportedAt: Date.now() - 3_600_000 }] }));

    const a = await daemon(0, dirA, keyFile);
    const addrA = a.tcp();
    expect(addrA).toMatch(/^\/ip4\/10\.213\.0\.1\/tcp\/4101\/p2p\/12D3Koo/);
    const b = await daemon(1, tempDir('lan-node'), keyFile, ['--peer', addrA!]);
    await waitFor(() => b.lines.some((l) => l.startsWith(`connected to LAN node ${addrA}`)), 15_000, 'B connecting to A');
    // B asks A what it holds (the have and bindings answers) and fetches the block, verified.
    const deadline = Date.now() + 20_000;
    while ((metric(1, 'peercache_blocks') !== 1 || metric(1, 'peercache_group_bindings') !== 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 300));
    expect(metric(1, 'peercache_blocks')).toBe(1);
    expect(metric(1, 'peercache_group_bindings')).toBe(1);
    expect(metric(1, 'peercache_bytes_in_total')).toBe(block.bytes.length);
  });
});
