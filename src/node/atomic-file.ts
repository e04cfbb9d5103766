/**
 * Crash-safe file writes for the LAN node's data directory. A reader sees either the old file
 * or the complete new one, never a torn write: the bytes go to a temporary file in the same
 * directory (rename is only atomic within one file system), are fsynced, and are renamed over
 * the target. A crash leaves at most a temporary file, which {@link isTempFileName} recognises
 * so the next start can delete it.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const TEMP_SUFFIX = '.tmp';

/** True for a name {@link writeFileAtomic} gives its temporary files (`.<name>.<random>.tmp`). */
export function isTempFileName(name: string): boolean {
  return name.startsWith('.') && name.endsWith(TEMP_SUFFIX);
}

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /** Permission bits of the new file (default 0o644); an existing file's mode is replaced too, since rename installs a new inode. */
  readonly mode?: number;
  /** Access and modification time to give the file, in ms since the epoch (default: now). */
  readonly mtimeMs?: number;
}

/**
 * Writes `bytes` to `path` atomically and durably.
 *
 * @example
 * ```ts
 * await writeFileAtomic('/var/lib/peercache-node/identity.key', keyBytes, { mode: 0o600 });
 * ```
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array, options: WriteFileAtomicOptions = {}): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
  // 'wx': never follow or reuse a file someone placed at the temporary name.
  const handle = await open(temp, 'wx', options.mode ?? 0o644);
  try {
    await handle.writeFile(bytes);
    if (options.mtimeMs !== undefined) await handle.utimes(options.mtimeMs / 1000, options.mtimeMs / 1000);
    await handle.sync();
  } catch (e) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw e;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  await syncDirectory(dir);
}

// The rename itself is only durable once the directory entry is flushed. Windows cannot open a
// directory for fsync; there the rename is as durable as NTFS makes it, which is acceptable.
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Best effort, see above.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
