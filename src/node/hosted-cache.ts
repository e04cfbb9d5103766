/**
 * The LAN node's hosted cache: blocks on disk, named by their multihash key, shared with every
 * browser of the LAN group. Layout: `<dir>/<first 2 characters of the key>/<key>`.
 *
 * - Content-addressed and verified twice: `put` refuses bytes that do not hash to their key,
 *   and `get` and `read` hash again, because a disk, a backup restore or an admin can change a
 *   file behind our back; a mismatching file is deleted and reported as missing (`get`) or ends
 *   the read with an error before its last piece (`read`, block-file.ts).
 * - Served without holding whole blocks: `read` gives a block piece by piece from its file.
 * - Crash-safe: writes go through {@link writeFileAtomic}; leftover temporary files from a
 *   crash are deleted by the scan at open.
 * - Bounded: least recently used blocks are evicted on `put` once `maxBytes` is exceeded. The
 *   order lives in memory and is rebuilt at open from file modification times, which `put`
 *   and `get` set from the injected clock, so recency survives a restart.
 * - A key is validated as a canonical multihash key (base64url, nothing else) before it is
 *   ever joined to a path, so no key can name a file outside the cache.
 */
import { constants } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { keyToMultihash, verifyMultihashKey } from '../core/integrity/index.ts';
import type { BlockBody } from '../p2p/block/index.ts';
import { isTempFileName, writeFileAtomic } from './atomic-file.ts';
import { blockFileBody } from './block-file.ts';
import { BlockMismatchError, BlockTooLargeError, InvalidBlockKeyError } from './errors.ts';

/** How the hosted cache is opened. */
export interface HostedCacheInit {
  /** Directory that holds the blocks (the daemon uses `<dataDir>/blocks`); created if missing. */
  readonly dir: string;
  /** Size bound in bytes: the sum of the stored blocks' sizes. */
  readonly maxBytes: number;
  /** Clock in ms since the epoch; orders eviction. Default `Date.now`. */
  readonly now?: () => number;
  /** Where to report repairs (corrupt or stray files). */
  readonly log?: (line: string) => void;
  /** Hash check of bytes against a key; default {@link verifyMultihashKey}. */
  readonly verify?: (bytes: Uint8Array, key: string) => Promise<boolean>;
}

/** Size of the hosted cache. */
export interface HostedCacheStats {
  readonly blocks: number;
  readonly bytes: number;
}

/** A persistent, verified, size-bounded block store. */
export interface HostedCache {
  /**
   * Stores `bytes` under `key` after checking the hash. Resolves 'stored', or 'present' when
   * the block was already held. Throws {@link InvalidBlockKeyError}, {@link BlockMismatchError}
   * or {@link BlockTooLargeError}.
   */
  put(key: string, bytes: Uint8Array): Promise<'stored' | 'present'>;
  /** The verified bytes of `key`, or undefined. Throws {@link InvalidBlockKeyError} for a non-key. */
  get(key: string): Promise<Uint8Array | undefined>;
  /**
   * `key`'s block to be read piece by piece, hashed as it is read (a mismatch ends the read with
   * {@link BlockMismatchError} before the last piece and deletes the file), or undefined. The
   * caller reads it to the end or closes it. Throws {@link InvalidBlockKeyError} for a non-key.
   */
  read(key: string): Promise<BlockBody | undefined>;
  /** Whether `key` is held (not re-verified). Throws {@link InvalidBlockKeyError} for a non-key. */
  has(key: string): boolean;
  /** Held keys, least recently used first. */
  keys(): string[];
  stats(): HostedCacheStats;
  /** Waits for writes and deletions under way. */
  close(): Promise<void>;
}

const KEY_CHARACTERS = /^[A-Za-z0-9_-]{4,128}$/;
// O_NOFOLLOW: a symlink planted under a key's name must not lead a read outside the cache.
// Windows has no such flag (0 there); the scan only indexes regular files in any case.
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

/** True when `key` is a canonical multihash key, the only thing ever used as a block file name. */
export function isBlockKey(key: unknown): key is string {
  if (typeof key !== 'string' || !KEY_CHARACTERS.test(key)) return false;
  try {
    keyToMultihash(key);
    return true;
  } catch {
    return false;
  }
}

function assertBlockKey(key: unknown): asserts key is string {
  if (!isBlockKey(key)) throw new InvalidBlockKeyError(`not a block key: ${JSON.stringify(String(key).slice(0, 140))}`);
}

/**
 * The shard directory name of a (validated) key: two characters of the digest. The first three
 * characters of a key encode the multihash code and length (the same for every sha384 key), so
 * they would put everything in one directory; nodes before 0.2 did that, and the scan moves
 * such files to their shard.
 */
export function shardOf(key: string): string {
  return key.slice(3, 5);
}

/**
 * Opens (creating if needed) the hosted cache in `init.dir`, scanning what a previous run left.
 *
 * @example
 * ```ts
 * const cache = await openHostedCache({ dir: join(dataDir, 'blocks'), maxBytes: cacheMB * 2 ** 20 });
 * await cache.put(key, bytes);
 * const again = await cache.get(key);
 * ```
 */
export async function openHostedCache(init: HostedCacheInit): Promise<HostedCache> {
  const { dir, maxBytes } = init;
  const now = init.now ?? Date.now;
  const log = init.log ?? (() => undefined);
  const verify = init.verify ?? ((bytes: Uint8Array, key: string) => verifyMultihashKey(bytes, key));
  // Map order is recency order: oldest first. Values are sizes in bytes.
  const index = new Map<string, number>();
  let totalBytes = 0;
  const pending = new Set<Promise<unknown>>();

  const pathOf = (key: string): string => join(dir, shardOf(key), key);
  const track = <T>(p: Promise<T>): Promise<T> => {
    pending.add(p);
    void p.finally(() => pending.delete(p)).catch(() => undefined);
    return p;
  };
  const forget = (key: string): void => {
    const size = index.get(key);
    if (size === undefined) return;
    index.delete(key);
    totalBytes -= size;
  };
  const remember = (key: string, size: number): void => {
    forget(key);
    index.set(key, size);
    totalBytes += size;
  };
  const remove = async (key: string): Promise<void> => {
    forget(key);
    await rm(pathOf(key), { force: true }).catch((e: Error) => log(`hosted cache: cannot delete ${key}: ${e.message}`));
  };
  // Recency on disk, for the scan after a restart. Best effort: a failure only costs ordering.
  const touch = async (key: string): Promise<void> => {
    const t = now() / 1000;
    await utimes(pathOf(key), t, t).catch(() => undefined);
  };
  const evict = async (keep?: string): Promise<void> => {
    for (const key of index.keys()) {
      if (totalBytes <= maxBytes) return;
      if (key !== keep) await remove(key);
    }
  };

  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const { key, size } of await scan(dir, log)) remember(key, size);
  if (totalBytes > maxBytes) await evict();

  return {
    put(key, bytes) {
      return track((async () => {
        assertBlockKey(key);
        if (bytes.byteLength > maxBytes) throw new BlockTooLargeError(`block ${key} has ${bytes.byteLength} bytes, more than the whole cache (${maxBytes})`);
        if (!(await verify(bytes, key))) throw new BlockMismatchError(`bytes do not hash to ${key}`);
        if (index.has(key)) {
          remember(key, index.get(key) as number);
          await touch(key);
          return 'present' as const;
        }
        await mkdir(join(dir, shardOf(key)), { recursive: true, mode: 0o700 });
        // Private to the daemon's user: which files an office holds says what its members browse.
        await writeFileAtomic(pathOf(key), bytes, { mtimeMs: now(), mode: 0o600 });
        remember(key, bytes.byteLength);
        await evict(key);
        return 'stored' as const;
      })());
    },

    get(key) {
      return track((async () => {
        assertBlockKey(key);
        if (!index.has(key)) return undefined;
        let bytes: Uint8Array;
        try {
          const handle = await open(pathOf(key), READ_FLAGS);
          try {
            bytes = new Uint8Array(await handle.readFile());
          } finally {
            await handle.close();
          }
        } catch (e) {
          // Evicted meanwhile, or removed by hand: either way it is not held any more.
          log(`hosted cache: cannot read ${key}: ${(e as Error).message}`);
          forget(key);
          return undefined;
        }
        if (!(await verify(bytes, key))) {
          log(`hosted cache: ${key} failed verification on read; deleted`);
          await remove(key);
          return undefined;
        }
        remember(key, bytes.byteLength);
        await touch(key);
        return bytes;
      })());
    },

    read(key) {
      return track((async () => {
        assertBlockKey(key);
        if (!index.has(key)) return undefined;
        let handle;
        let size: number;
        try {
          handle = await open(pathOf(key), READ_FLAGS);
          // The size of the file opened, not of the name: eviction may replace neither, but an
          // admin may; a file that changes under an open handle fails its hash.
          size = (await handle.stat()).size;
        } catch (e) {
          await handle?.close().catch(() => undefined);
          log(`hosted cache: cannot read ${key}: ${(e as Error).message}`);
          forget(key);
          return undefined;
        }
        remember(key, size);
        await touch(key);
        return blockFileBody(handle, key, size, async (why) => {
          log(`hosted cache: ${key} ${why} on read; deleted`);
          await remove(key);
        });
      })());
    },

    has(key) {
      assertBlockKey(key);
      return index.has(key);
    },

    keys: () => [...index.keys()],
    stats: () => ({ blocks: index.size, bytes: totalBytes }),

    async close() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

interface ScannedBlock {
  readonly key: string;
  readonly size: number;
  readonly mtimeMs: number;
}

// Rebuilds the index from the directory, least recently used first. Nothing found here can stop
// the daemon: temporary files of interrupted writes and files that cannot be blocks in their
// place are deleted (the directory is ours), anything else unexpected is left alone and logged.
async function scan(dir: string, log: (line: string) => void): Promise<ScannedBlock[]> {
  const found: ScannedBlock[] = [];
  let moved = 0;
  for (const shard of await readdir(dir, { withFileTypes: true })) {
    if (!shard.isDirectory()) {
      log(`hosted cache: ignoring ${join(dir, shard.name)} (not a shard directory)`);
      continue;
    }
    let entries;
    try {
      entries = await readdir(join(dir, shard.name), { withFileTypes: true });
    } catch (e) {
      log(`hosted cache: cannot read ${join(dir, shard.name)}: ${(e as Error).message}`);
      continue;
    }
    for (const entry of entries) {
      const path = join(dir, shard.name, entry.name);
      try {
        if (entry.isFile() && isTempFileName(entry.name)) {
          await rm(path, { force: true });
          log(`hosted cache: removed unfinished write ${path}`);
        } else if (!entry.isFile()) {
          log(`hosted cache: ignoring ${path} (not a regular file)`);
        } else if (!isBlockKey(entry.name)) {
          await rm(path, { force: true });
          log(`hosted cache: removed ${path} (not a block file)`);
        } else if (shardOf(entry.name) !== shard.name) {
          // An earlier layout (or a file moved by hand): the block belongs in its shard.
          const to = join(dir, shardOf(entry.name), entry.name);
          await mkdir(dirname(to), { recursive: true, mode: 0o700 });
          await rename(path, to);
          const s = await stat(to);
          found.push({ key: entry.name, size: s.size, mtimeMs: s.mtimeMs });
          moved++;
        } else {
          const s = await stat(path);
          found.push({ key: entry.name, size: s.size, mtimeMs: s.mtimeMs });
        }
      } catch (e) {
        log(`hosted cache: skipping ${path}: ${(e as Error).message}`);
      }
    }
  }
  if (moved > 0) log(`hosted cache: moved ${moved} block(s) into their shard directories`);
  return found.sort((a, b) => a.mtimeMs - b.mtimeMs);
}
