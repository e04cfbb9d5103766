/**
 * The LAN node's libp2p identity, kept in `<dataDir>/identity.key` so the peer id (which
 * browsers may pin in a `/p2p/<id>` address from policy) stays the same across restarts.
 * The file is the key in libp2p's protobuf encoding, readable by the owner only (0600).
 */
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.ts';
import { IdentityError } from './errors.ts';

/** Name of the identity file inside the data directory. */
export const IDENTITY_FILE = 'identity.key';

/**
 * Loads the node's private key from `dataDir`, creating an Ed25519 key on first start.
 * An unreadable or corrupt file throws {@link IdentityError} rather than silently replacing
 * the identity: browsers configured with the old peer id would stop finding the node.
 *
 * @example
 * ```ts
 * const privateKey = await loadOrCreateIdentity('/var/lib/peercache-node');
 * const node = await createLibp2p({ privateKey, ... });
 * ```
 */
export async function loadOrCreateIdentity(dataDir: string, log: (line: string) => void = () => undefined): Promise<PrivateKey> {
  const path = join(dataDir, IDENTITY_FILE);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new IdentityError(`cannot read ${path}: ${(e as Error).message}`, { cause: e });
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const key = await generateKeyPair('Ed25519');
    await writeFileAtomic(path, privateKeyToProtobuf(key), { mode: 0o600 });
    log(`created node identity ${path}`);
    return key;
  }
  let key: PrivateKey;
  try {
    key = privateKeyFromProtobuf(bytes);
  } catch (e) {
    throw new IdentityError(`${path} does not hold a libp2p private key (${(e as Error).message}); move it away to create a new identity`, { cause: e });
  }
  // A key someone copied in with a loose umask would let other local users impersonate the node.
  if (process.platform !== 'win32' && ((await stat(path)).mode & 0o077) !== 0) {
    await chmod(path, 0o600);
    log(`tightened permissions of ${path} to 0600`);
  }
  return key;
}
