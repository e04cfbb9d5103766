import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlockMismatchError, BlockTooLargeError, InvalidBlockKeyError } from '../../../src/node/errors.ts';
import { openHostedCache, shardOf, type HostedCacheInit } from '../../../src/node/hosted-cache.ts';
import { keyOf } from '../../support/bytes.ts';
import { tempDir } from '../../support/lan-node.ts';

const tmp = (): string => tempDir('hosted-cache');

async function block(text: string, size = 100): Promise<{ key: string; bytes: Uint8Array }> {
  const bytes = new TextEncoder().encode(text.padEnd(size, '.'));
  return { key: await keyOf(bytes, 'sha256'), bytes };
}

function open(dir: string, extra: Partial<HostedCacheInit> = {}) {
  const lines: string[] = [];
  let t = 1_700_000_000_000;
  const cache = openHostedCache({ dir, maxBytes: 1_000_000, now: () => (t += 1000), log: (l) => lines.push(l), ...extra });
  return { cache, lines };
}

describe('hosted cache', () => {
  it('stores a block under blocks/<2 characters of the digest>/<key> and serves it back', async () => {
    const dir = tmp();
    const { cache } = open(dir);
    const c = await cache;
    const a = await block('a');
    expect(await c.put(a.key, a.bytes)).toBe('stored');
    expect(await c.put(a.key, a.bytes)).toBe('present');
    expect(await readFile(join(dir, shardOf(a.key), a.key))).toEqual(Buffer.from(a.bytes));
    expect(await c.get(a.key)).toEqual(a.bytes);
    expect(c.has(a.key)).toBe(true);
    expect(c.keys()).toEqual([a.key]);
    expect(c.stats()).toEqual({ blocks: 1, bytes: 100 });
    expect(await c.get((await block('never stored')).key)).toBeUndefined();
  });

  it('keeps blocks private to the daemon\'s user: which files an office holds says what its members browse', async () => {
    const dir = join(tmp(), 'blocks');
    const c = await open(dir).cache;
    const a = await block('private');
    await c.put(a.key, a.bytes);
    expect((await stat(join(dir, shardOf(a.key), a.key))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, shardOf(a.key)))).mode & 0o077).toBe(0);
    expect((await stat(dir)).mode & 0o077).toBe(0);
  });

  it('refuses bytes that do not hash to their key, and stores nothing', async () => {
    const dir = tmp();
    const c = await open(dir).cache;
    const a = await block('a');
    await expect(c.put(a.key, new TextEncoder().encode('forged'))).rejects.toThrow(BlockMismatchError);
    expect(c.stats()).toEqual({ blocks: 0, bytes: 0 });
    expect(existsSync(join(dir, shardOf(a.key), a.key))).toBe(false);
  });

  it.each([
    '../../../etc/passwd',
    '..',
    'Ei/../../x',
    'EiA/abc',
    '',
    'not a key',
    // Canonical keys only: padding or the standard alphabet would give one block two names.
    'EiBJbSoBTyLKlUIldtwxAKZMo6PFcFAwRRUTDm8pfv6+5w==',
  ])('refuses %j as a key before it reaches a path', async (key) => {
    const dir = tmp();
    const c = await open(join(dir, 'blocks')).cache;
    await expect(c.put(key, new Uint8Array(1))).rejects.toThrow(InvalidBlockKeyError);
    await expect(c.get(key)).rejects.toThrow(InvalidBlockKeyError);
    expect(() => c.has(key)).toThrow(InvalidBlockKeyError);
    expect(await readdir(dir)).toEqual(['blocks']);
  });

  it('survives a restart: blocks, sizes and bytes are all still there', async () => {
    const dir = tmp();
    const first = await open(dir).cache;
    const a = await block('a');
    const b = await block('b', 300);
    await first.put(a.key, a.bytes);
    await first.put(b.key, b.bytes);
    await first.close();

    const second = await open(dir).cache;
    expect(second.stats()).toEqual({ blocks: 2, bytes: 400 });
    expect(await second.get(b.key)).toEqual(b.bytes);
  });

  it('ignores and deletes the temporary file a crash left behind mid-write', async () => {
    const dir = tmp();
    const a = await block('a');
    const b = await block('b');
    const first = await open(dir).cache;
    await first.put(a.key, a.bytes);
    await first.close();
    // What writeFileAtomic leaves when the process dies before its rename: half a block.
    const leftover = join(dir, shardOf(b.key), `.${b.key}.0a1b2c3d4e5f.tmp`);
    await mkdir(join(dir, shardOf(b.key)), { recursive: true });
    await writeFile(leftover, b.bytes.slice(0, 40));

    const { cache, lines } = open(dir);
    const c = await cache;
    expect(c.keys()).toEqual([a.key]);
    expect(c.has(b.key)).toBe(false);
    expect(existsSync(leftover)).toBe(false);
    expect(lines.join('\n')).toContain('unfinished write');
    // And a complete write still works after the repair.
    expect(await c.put(b.key, b.bytes)).toBe('stored');
    expect((await readdir(join(dir, shardOf(b.key)))).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('deletes a block whose file was corrupted on disk and reports it missing', async () => {
    const dir = tmp();
    const { cache, lines } = open(dir);
    const c = await cache;
    const a = await block('a');
    await c.put(a.key, a.bytes);
    await writeFile(join(dir, shardOf(a.key), a.key), 'bit rot');

    expect(await c.get(a.key)).toBeUndefined();
    expect(c.has(a.key)).toBe(false);
    expect(c.stats()).toEqual({ blocks: 0, bytes: 0 });
    expect(existsSync(join(dir, shardOf(a.key), a.key))).toBe(false);
    expect(lines.join('\n')).toContain('failed verification');
  });

  it('starts over foreign and misplaced files without crashing', async () => {
    const dir = tmp();
    const a = await block('a');
    const b = await block('b');
    const outside = join(tmp(), 'secret');
    await writeFile(outside, 'not yours');
    await mkdir(join(dir, shardOf(a.key)), { recursive: true });
    await mkdir(join(dir, 'zz'), { recursive: true });
    await writeFile(join(dir, shardOf(a.key), a.key), a.bytes);
    await writeFile(join(dir, 'README'), 'a stray file at the top');
    await writeFile(join(dir, shardOf(a.key), 'notes.txt'), 'a stray file in a shard');
    await writeFile(join(dir, 'zz', b.key), b.bytes); // right name, wrong shard
    await mkdir(join(dir, shardOf(a.key), 'subdir'));
    const linked = await block('linked');
    await mkdir(join(dir, shardOf(linked.key)), { recursive: true });
    await symlink(outside, join(dir, shardOf(linked.key), linked.key));

    const { cache, lines } = open(dir);
    const c = await cache;
    expect(c.keys().sort()).toEqual([a.key, b.key].sort());
    expect(existsSync(join(dir, shardOf(a.key), 'notes.txt'))).toBe(false);
    // A block file in the wrong shard is moved to its own, not lost.
    expect(existsSync(join(dir, 'zz', b.key))).toBe(false);
    expect(await c.get(b.key)).toEqual(b.bytes);
    expect(existsSync(join(dir, 'README'))).toBe(true); // outside any shard: left alone, logged
    expect(await readFile(outside, 'utf8')).toBe('not yours');
    expect(c.has(linked.key)).toBe(false);
    expect(lines.length).toBeGreaterThanOrEqual(4);
  });

  it('spreads keys of one algorithm over many shards, and moves blocks of the old layout (first two characters) without losing one', async () => {
    const blocks = await Promise.all(Array.from({ length: 40 }, (_, i) => block(`k${i}`)));
    expect(new Set(blocks.map((b) => shardOf(b.key))).size).toBeGreaterThan(30);
    const dir = tmp();
    for (const b of blocks) {
      await mkdir(join(dir, b.key.slice(0, 2)), { recursive: true });
      await writeFile(join(dir, b.key.slice(0, 2), b.key), b.bytes);
    }
    const { cache, lines } = open(dir);
    const c = await cache;
    expect(c.stats().blocks).toBe(40);
    for (const b of blocks) expect(await c.get(b.key)).toEqual(b.bytes);
    expect(lines).toContain('hosted cache: moved 40 block(s) into their shard directories');
    const reopened = await open(dir).cache;
    expect(reopened.stats().blocks).toBe(40);
  });

  it('evicts the least recently used blocks once the size bound is passed', async () => {
    const dir = tmp();
    const c = await open(dir, { maxBytes: 300 }).cache;
    const [a, b, c3, d] = await Promise.all(['a', 'b', 'c', 'd'].map((t) => block(t)));
    for (const x of [a, b, c3]) await c.put(x!.key, x!.bytes);
    await c.get(a!.key); // a is now the most recently used
    await c.put(d!.key, d!.bytes);

    expect(new Set(c.keys())).toEqual(new Set([a!.key, c3!.key, d!.key]));
    expect(c.stats()).toEqual({ blocks: 3, bytes: 300 });
    expect(existsSync(join(dir, shardOf(b!.key), b!.key))).toBe(false);
  });

  it('remembers recency across a restart, and shrinks to a smaller bound at open', async () => {
    const dir = tmp();
    const first = await open(dir).cache;
    const [a, b, c3] = await Promise.all(['a', 'b', 'c'].map((t) => block(t)));
    for (const x of [a, b, c3]) await first.put(x!.key, x!.bytes);
    await first.get(a!.key);
    await first.close();

    const second = await open(dir, { maxBytes: 200 }).cache;
    expect(second.keys()).toEqual([c3!.key, a!.key]);
  });

  it('refuses a block larger than the whole cache', async () => {
    const c = await open(tmp(), { maxBytes: 50 }).cache;
    const a = await block('a');
    await expect(c.put(a.key, a.bytes)).rejects.toThrow(BlockTooLargeError);
  });
});
