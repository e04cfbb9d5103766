import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto';
import { randomBytes } from 'node:crypto';
import { Uint8ArrayList } from 'uint8arraylist';
import { describe, expect, it } from 'vitest';
import { noiseCrypto } from '../../../src/node/noise-crypto.ts';

const flat = (bytes: Uint8Array | { subarray(): Uint8Array }): Buffer => Buffer.from(bytes instanceof Uint8Array ? bytes : bytes.subarray());
const nonce = (n: number): Uint8Array => {
  const out = new Uint8Array(12);
  new DataView(out.buffer).setUint32(4, n, true);
  return out;
};
type NoiseBytes = Parameters<typeof noiseCrypto.chaCha20Poly1305Encrypt>[0];
// A yamux frame as noise receives it: a 12-byte header and the data, as two parts.
const framed = (data: Uint8Array): NoiseBytes => new Uint8ArrayList(randomBytes(12), data) as unknown as NoiseBytes;

describe('the LAN node noise crypto (ChaCha20-Poly1305, keys imported once)', () => {
  it.each([
    ['a small message (noise’s own WebAssembly path)', 100],
    ['one full noise message', 65_519],
    ['a mid-size message', 5_000],
  ])('encrypts %s byte for byte as noise’s default crypto, and each decrypts the other', (_name, size) => {
    const k = randomBytes(32);
    const ad = randomBytes(32);
    const plaintext = randomBytes(size);
    const ours = flat(noiseCrypto.chaCha20Poly1305Encrypt(plaintext, nonce(1), ad, k));
    const stock = flat(defaultCrypto.chaCha20Poly1305Encrypt(plaintext, nonce(1), ad, k));
    expect(ours.equals(stock)).toBe(true);
    expect(flat(noiseCrypto.chaCha20Poly1305Decrypt(stock, nonce(1), ad, k)).equals(plaintext)).toBe(true);
    expect(flat(defaultCrypto.chaCha20Poly1305Decrypt(Buffer.from(ours), nonce(1), ad, k)).equals(plaintext)).toBe(true);
  });

  it('takes a message in parts (a yamux header and its data) like one in a piece', () => {
    const k = randomBytes(32);
    const parts = framed(randomBytes(65_507));
    const whole = flat(parts as unknown as Uint8ArrayList);
    const fromParts = flat(noiseCrypto.chaCha20Poly1305Encrypt(parts, nonce(7), new Uint8Array(0), k));
    expect(fromParts.equals(flat(noiseCrypto.chaCha20Poly1305Encrypt(whole, nonce(7), new Uint8Array(0), k)))).toBe(true);
    // The ciphertext as TCP delivers it: split anywhere, here inside the tag.
    const split = new Uint8ArrayList(fromParts.subarray(0, 65_520), fromParts.subarray(65_520)) as unknown as NoiseBytes;
    expect(flat(noiseCrypto.chaCha20Poly1305Decrypt(split, nonce(7), new Uint8Array(0), k)).equals(whole)).toBe(true);
  });

  it('refuses a message with one bit flipped, under another nonce, or under another key', () => {
    const k = randomBytes(32);
    const sealed = flat(noiseCrypto.chaCha20Poly1305Encrypt(randomBytes(20_000), nonce(3), new Uint8Array(0), k));
    for (const at of [0, 10_000, sealed.length - 1]) {
      const forged = Buffer.from(sealed);
      forged[at]! ^= 1;
      expect(() => noiseCrypto.chaCha20Poly1305Decrypt(forged, nonce(3), new Uint8Array(0), k)).toThrow();
    }
    expect(() => noiseCrypto.chaCha20Poly1305Decrypt(sealed, nonce(4), new Uint8Array(0), k)).toThrow();
    expect(() => noiseCrypto.chaCha20Poly1305Decrypt(sealed, nonce(3), new Uint8Array(0), randomBytes(32))).toThrow();
  });

  it('follows a key changed in place instead of using the one it imported before', () => {
    const k = randomBytes(32);
    const plaintext = randomBytes(4_000);
    noiseCrypto.chaCha20Poly1305Encrypt(plaintext, nonce(1), new Uint8Array(0), k);
    k.set(randomBytes(32));
    const ours = flat(noiseCrypto.chaCha20Poly1305Encrypt(plaintext, nonce(1), new Uint8Array(0), k));
    expect(ours.equals(flat(defaultCrypto.chaCha20Poly1305Encrypt(plaintext, nonce(1), new Uint8Array(0), k)))).toBe(true);
  });
});
