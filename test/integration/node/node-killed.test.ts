/**
 * The LAN node killed outright (SIGKILL: no shutdown, its last batched book write lost) and
 * started again by its service manager (issue 10, item 7): browsers are back within 10 s, and a
 * colleague gets the file a member observed just before the kill, from what the node kept on
 * disk or took again from that member when it reconnected. node-restart.test.ts is the graceful
 * stop; this one runs the real `peercache-node` command in a process of its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HashList } from '../../../src/core/hash-list/index.ts';
import { loadNodeHashList } from '../../../src/node/replication.ts';
import { freePorts, tempDir } from '../../support/lan-node.ts';
import { startMember, within, type Member } from '../support/member.ts';

const GROUP = '6d'.repeat(32);
const BOUND_MS = 10_000;
const bin = join(fileURLToPath(new URL('../../../', import.meta.url)), 'bin', 'peercache-node.js');

let hashList: HashList;
const members: Member[] = [];
const running: ChildProcess[] = [];
beforeAll(async () => {
  hashList = await loadNodeHashList();
});
afterAll(async () => {
  for (const m of members) await m.close();
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Starts the command (the daemon itself: no tuned child, so SIGKILL reaches the daemon); resolves to its WebSockets address. */
async function startCommand(args: string[]): Promise<{ child: ChildProcess; ws: string }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PEERCACHE_NODE_TUNING: 'off' } });
  running.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  await within(20_000, () => out.includes('status http://') || child.exitCode !== null, 'the node starting');
  const ws = /^listening (\S+\/ws\/p2p\/\S+)$/m.exec(out)?.[1];
  if (!ws) throw new Error(`node did not start:\n${out}`);
  return { child, ws };
}

it('browsers are back within 10 s of a SIGKILLed node\'s restart, and a colleague gets the file observed just before the kill', async () => {
  const [tcpPort, wsPort, httpPort] = await freePorts(3);
  const dataDir = tempDir('lan-node');
  const keyFile = join(tempDir('group-key'), 'key');
  writeFileSync(keyFile, GROUP);
  // Members count from their first minute (the brake on minted ids is not what this tests).
  const args = ['--host', '127.0.0.1', '--tcp-port', String(tcpPort), '--ws-port', String(wsPort), '--http-port', String(httpPort), '--data-dir', dataDir, '--group-key-file', keyFile, '--member-age-minutes', '0'];
  const metric = async (name: string): Promise<number> => Number(/^(\S+) (\d+)$/m.exec((await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text()).split('\n').find((l) => l.startsWith(`${name} `)) ?? '')?.[2] ?? -1);

  let node = await startCommand(args);
  const member = async (user: Record<string, unknown>): Promise<Member> => {
    const m = await startMember(hashList, [node.ws], { groupKey: GROUP, trustGroupBindings: true, requirePopular: false, ...user });
    members.push(m);
    await within(BOUND_MS, () => m.service.status().lanNodes === 1, 'the member connecting');
    return m;
  };
  const first = await member({});
  // A colleague who keeps only what it asks for: the file can come only from the node.
  const colleague = await member({ replicatePopular: false });
  const url = 'https://site-a.test/js/killed.js';
  const file = new TextEncoder().encode(`window.killed = 1; /* ${'k'.repeat(6000)} */`);
  const mh = await first.observe(url, file);
  await within(BOUND_MS, async () => (await metric('peercache_group_bindings')) >= 1 && (await metric('peercache_blocks')) >= 1, 'the node hosting the file and booking its URL');

  // At once, before the book's batched write: the worst moment.
  node.child.kill('SIGKILL');
  await within(BOUND_MS, () => first.service.status().lanNodes === 0 && colleague.service.status().lanNodes === 0, 'the browsers seeing the node gone');
  expect(await colleague.store.blobs.has(mh)).toBe(false);

  node = await startCommand(args);
  const restarted = Date.now();
  await within(BOUND_MS, () => first.service.status().lanNodes === 1 && colleague.service.status().lanNodes === 1, 'both browsers back on the restarted node');
  expect(Date.now() - restarted).toBeLessThan(BOUND_MS);
  // The node has the file's binding again (from disk, or from the member it asked on reconnect).
  await within(BOUND_MS, async () => (await colleague.service.lookup(url, 'text/javascript', 1e6)) === 'stored', 'the colleague getting the file from the node');
  expect((await colleague.store.blobs.get(mh))?.bytes).toEqual(file);
}, 60_000);
