import { chmod, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { describe, expect, it } from 'vitest';
import { IdentityError } from '../../../src/node/errors.ts';
import { IDENTITY_FILE, loadOrCreateIdentity } from '../../../src/node/identity.ts';
import { tempDir } from '../../support/lan-node.ts';

const tmp = (): string => tempDir('identity');

describe('node identity', () => {
  it('is created on first start, owner-only, and keeps the peer id across restarts', async () => {
    const dir = join(tmp(), 'data'); // does not exist yet
    const lines: string[] = [];
    const first = await loadOrCreateIdentity(dir, (l) => lines.push(l));
    expect(lines).toHaveLength(1);
    expect((await stat(join(dir, IDENTITY_FILE))).mode & 0o777).toBe(0o600);
    const second = await loadOrCreateIdentity(dir);
    expect(peerIdFromPrivateKey(second).toString()).toBe(peerIdFromPrivateKey(first).toString());
  });

  it('refuses a corrupt identity file instead of silently becoming a different peer', async () => {
    const dir = tmp();
    await writeFile(join(dir, IDENTITY_FILE), 'garbage');
    await expect(loadOrCreateIdentity(dir)).rejects.toThrow(IdentityError);
  });

  it('tightens an identity file other users could read', async () => {
    const dir = tmp();
    await loadOrCreateIdentity(dir);
    await chmod(join(dir, IDENTITY_FILE), 0o644);
    await loadOrCreateIdentity(dir);
    expect((await stat(join(dir, IDENTITY_FILE))).mode & 0o777).toBe(0o600);
  });
});
