import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlockMismatchError } from '../../../src/node/errors.ts';
import { openHostedCache, shardOf } from '../../../src/node/hosted-cache.ts';
import type { BlockBody } from '../../../src/p2p/block/index.ts';
import { keyOf } from '../../support/bytes.ts';
import { tempDir } from '../../support/lan-node.ts';

async function setUp(size: number) {
  const dir = tempDir('block-file');
  const lines: string[] = [];
  const cache = await openHostedCache({ dir, maxBytes: 10_000_000, log: (l) => lines.push(l) });
  const bytes = new Uint8Array(randomBytes(size));
  const key = await keyOf(bytes);
  await cache.put(key, bytes);
  return { cache, key, bytes, path: join(dir, shardOf(key), key), lines };
}

/** Reads a body to the end: its pieces, or the error it ended with and the pieces before. */
async function drain(body: BlockBody, max: number): Promise<{ pieces: Uint8Array[]; error?: Error }> {
  const pieces: Uint8Array[] = [];
  try {
    for await (const p of body.chunks(max)) pieces.push(p);
    return { pieces };
  } catch (error) {
    return { pieces, error: error as Error };
  }
}

describe('a hosted block read as it is sent', () => {
  it('comes in pieces of at most the size asked, in order, the same bytes as stored', async () => {
    const { cache, key, bytes } = await setUp(1_000_000);
    const body = (await cache.read(key))!;
    expect(body.length).toBe(bytes.length);
    const { pieces, error } = await drain(body, 65_507);
    expect(error).toBeUndefined();
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThanOrEqual(65_507);
    expect(Buffer.concat(pieces)).toEqual(Buffer.from(bytes));
    await body.close?.();
    await cache.close();
  });

  it('ends with an error before its last piece when the file no longer hashes to its key, and the file is deleted', async () => {
    const { cache, key, bytes, path, lines } = await setUp(300_000);
    const bad = Uint8Array.from(bytes);
    bad[150_000]! ^= 1;
    await writeFile(path, bad);
    const { pieces, error } = await drain((await cache.read(key))!, 64 * 1024);
    expect(error).toBeInstanceOf(BlockMismatchError);
    // Every piece but the last: the reader never holds the whole wrong block.
    expect(pieces.reduce((n, p) => n + p.length, 0)).toBeLessThan(bytes.length);
    expect(existsSync(path)).toBe(false);
    expect(cache.has(key)).toBe(false);
    expect(lines.some((l) => l.includes(key) && l.includes('deleted'))).toBe(true);
  });

  it('checks an empty block too, and is undefined for a block it does not hold or whose file went away', async () => {
    const { cache, key, path } = await setUp(0);
    const { pieces, error } = await drain((await cache.read(key))!, 64 * 1024);
    expect([pieces.length, error]).toEqual([0, undefined]);
    await rm(path);
    expect(await cache.read(key)).toBeUndefined();
    expect(cache.has(key)).toBe(false);
  });

  it('can be closed without being read (a refusal after the lookup)', async () => {
    const { cache, key } = await setUp(1000);
    const body = (await cache.read(key))!;
    await body.close?.();
    await body.close?.();
    await cache.close();
  });
});
