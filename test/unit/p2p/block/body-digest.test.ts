import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computeDigest, SRI_ALGORITHMS } from '../../../../src/core/integrity/index.ts';
import { createBodyDigest, incrementalBodyDigest, wholeBodyDigest } from '../../../../src/p2p/block/body-digest.ts';

/** `bytes` cut at random places, as a stream delivers it. */
function pieces(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const n = Math.min(bytes.length - at, 1 + Math.floor(Math.random() * 70_000));
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

describe('the digest of a block body', () => {
  it.each(SRI_ALGORITHMS)('%s: part by part (Node) and whole (WebCrypto) give the digest of the bytes', async (algorithm) => {
    for (const size of [0, 1, 65_507, 1_000_003]) {
      const body = randomBytes(size);
      const expected = await computeDigest(algorithm, body);
      for (const hash of [incrementalBodyDigest(algorithm, createHash), wholeBodyDigest(algorithm), createBodyDigest(algorithm)]) {
        for (const part of pieces(body)) hash.update(part);
        expect(Buffer.from(await hash.digest(body)).equals(Buffer.from(expected))).toBe(true);
      }
    }
  });

  it('in Node, hashes the parts as they are fed, so nothing is left to hash at the end', async () => {
    const body = randomBytes(100_000);
    const hash = createBodyDigest('sha256');
    for (const part of pieces(body)) hash.update(part);
    // The whole body handed at the end is not read again.
    expect(Buffer.from(await hash.digest(new Uint8Array(0))).equals(Buffer.from(await computeDigest('sha256', body)))).toBe(true);
  });
});
