/**
 * Noise's ChaCha20-Poly1305 for the LAN node, with each key imported into OpenSSL once.
 *
 * @chainsafe/libp2p-noise's Node crypto hands the raw 32-byte key to `createCipheriv` for every
 * transport message, and Node 24 builds a key object from it each time: ~30 µs, as much as
 * encrypting a whole 64 KiB message (profile of bench/block.bench.ts: a fifth of a 10 MiB block
 * transfer went to key import, on both ends). This keeps one `KeyObject` per noise key. Same
 * cipher, same bytes on the wire, so peers with the stock crypto (browsers: pure JS) interoperate.
 */
import { noise, type ICryptoInterface } from '@chainsafe/libp2p-noise';
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto';
import { createCipheriv, createDecipheriv, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { Uint8ArrayList } from 'uint8arraylist';

const TAG_BYTES = 16;
/** Below this, noise's own choice (WebAssembly) beats any OpenSSL call; its threshold. */
const SMALL_MESSAGE_BYTES = 1200;

// Keyed by noise's own key array, which lives as long as its cipher state. The copy guards the
// cache against a key changed in place: it would be imported again, never used stale.
const imported = new WeakMap<Uint8Array, { readonly bytes: Uint8Array; readonly key: KeyObject }>();

function keyObject(k: Uint8Array): KeyObject {
  const hit = imported.get(k);
  if (hit !== undefined && timingSafeEqual(hit.bytes, k)) return hit.key;
  const key = createSecretKey(k);
  imported.set(k, { bytes: Uint8Array.from(k), key });
  return key;
}

/** Noise's own byte list type (it bundles uint8arraylist 2.x). */
type NoiseBytes = Parameters<ICryptoInterface['chaCha20Poly1305Encrypt']>[0];

function parts(bytes: NoiseBytes): Iterable<Uint8Array> {
  return bytes instanceof Uint8Array ? [bytes] : bytes;
}

// Noise takes lists by their brand, Symbol.for('@achingbrain/uint8arraylist'), and their parts;
// the 3.x list here has both. Only the compile-time identity of the two versions differs.
function asNoiseBytes(list: Uint8ArrayList): NoiseBytes {
  return list as unknown as NoiseBytes;
}

// A stream cipher's final() is empty; an empty part would still cost the socket a write.
function appendNonEmpty(list: Uint8ArrayList, bytes: Uint8Array): void {
  if (bytes.byteLength > 0) list.append(bytes);
}

/** Noise's default crypto for Node, with the ChaCha20-Poly1305 key imported once per key. */
export const noiseCrypto: ICryptoInterface = {
  ...defaultCrypto,
  chaCha20Poly1305Encrypt(plaintext, nonce, ad, k) {
    if (plaintext.byteLength < SMALL_MESSAGE_BYTES) return defaultCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k);
    const cipher = createCipheriv('chacha20-poly1305', keyObject(k), nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(ad, { plaintextLength: plaintext.byteLength });
    const out = new Uint8ArrayList();
    for (const part of parts(plaintext)) out.append(cipher.update(part));
    appendNonEmpty(out, cipher.final());
    out.append(cipher.getAuthTag());
    return asNoiseBytes(out);
  },
  chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k, dst) {
    if (ciphertext.byteLength < SMALL_MESSAGE_BYTES) return defaultCrypto.chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k, dst);
    const textBytes = ciphertext.byteLength - TAG_BYTES;
    const decipher = createDecipheriv('chacha20-poly1305', keyObject(k), nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(ad, { plaintextLength: textBytes });
    decipher.setAuthTag(ciphertext.subarray(textBytes));
    const text = ciphertext instanceof Uint8Array ? ciphertext.subarray(0, textBytes) : ciphertext.sublist(0, textBytes);
    const out = new Uint8ArrayList();
    for (const part of parts(text)) out.append(decipher.update(part));
    // final() checks the tag and throws on a forgery; nothing is returned before it has.
    appendNonEmpty(out, decipher.final());
    return asNoiseBytes(out);
  },
};

/** The LAN node's connection encrypter: noise with {@link noiseCrypto}. */
export function lanNodeNoise(): ReturnType<typeof noise> {
  return noise({ crypto: noiseCrypto });
}
