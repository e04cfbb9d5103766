/**
 * What LAN sharing keeps in extension storage (issue 10, item 1): this browser's libp2p identity
 * and the peer ids of the LAN nodes it trusts on first use. The libp2p node runs where WebRTC
 * exists (Chromium: the offscreen document, which has no `chrome.storage`), so the background
 * reads and writes both here and hands them to the peer service with each apply.
 */
import { decodeBase64UrlStrict, encodeBase64 } from '../../core/integrity/base64.ts';

/** What the peer service needs from storage to start (travels in `bg-os-apply`). */
export interface PeerLocal {
  /**
   * The Ed25519 seed of this browser's libp2p key (32 bytes, unpadded base64url): the same seed
   * gives the same peer id at every start, so the LAN node counts this browser as one member.
   */
  readonly identity: string;
  /** LAN node address as configured -> the peer id it answered with first (trust on first use). */
  readonly pins: Readonly<Record<string, string>>;
}

export interface PeerLocalState {
  /** The identity and pins, creating the identity on first use. */
  read(): Promise<PeerLocal>;
  /** Remembers the peer id a LAN node address answered with first. */
  pin(address: string, peerId: string): Promise<void>;
  /** Forgets every pinned LAN node id (the user or admin moved the node). */
  forgetPins(): Promise<void>;
}

const SEED_BYTES = 32;

/** True for a stored identity seed: exactly 32 bytes, canonically encoded. */
export function isIdentitySeed(v: unknown): v is string {
  return typeof v === 'string' && decodeBase64UrlStrict(v)?.byteLength === SEED_BYTES;
}

/** Stored pins, with anything malformed left out (storage is input like any other). */
function validPins(v: unknown): Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v).filter(([a, id]) => a.length <= 1_024 && typeof id === 'string' && /^[1-9A-HJ-NP-Za-km-z]{20,128}$/.test(id)));
}

/**
 * The state over two storage slots (the background's: the identity in the secret store, moved
 * there from `storage.local` by secrets/secret-settings.ts `movedSecret`, which content scripts
 * cannot read in Firefox either; the pins by `jsonState`, in the same store). A stored
 * identity that is not a seed (a corrupt or hand-edited value) is logged and replaced: LAN
 * sharing keeps working under a new peer id rather than failing to start.
 */
export function createPeerLocalState(init: {
  identity: { read(): Promise<unknown>; write(v: string): Promise<void> };
  pins: { read(): Promise<unknown>; write(v: Record<string, string>): Promise<void> };
  log: (line: string) => void;
  random?: (bytes: Uint8Array) => Uint8Array;
}): PeerLocalState {
  const random = init.random ?? ((b: Uint8Array) => crypto.getRandomValues(b));
  // Kept as a promise: two applies at once must not make two identities.
  let identity: Promise<string> | undefined;
  let pins: Promise<Record<string, string>> | undefined;

  const readIdentity = async (): Promise<string> => {
    const saved = await init.identity.read();
    if (isIdentitySeed(saved)) return saved;
    if (saved !== undefined) init.log('the stored LAN identity is not a valid key; a new one is made (the LAN node will count this browser as a new member)');
    const seed = encodeBase64(random(new Uint8Array(SEED_BYTES)), 'base64url', false);
    await init.identity.write(seed);
    return seed;
  };

  return {
    async read() {
      identity ??= readIdentity().catch((e: unknown) => {
        identity = undefined;
        throw e;
      });
      pins ??= init.pins.read().then(validPins, () => ({}));
      return { identity: await identity, pins: { ...(await pins) } };
    },
    async pin(address, peerId) {
      // Chained on the last pins, so two pins learned at once are both kept.
      const now = (pins = (pins ?? init.pins.read().then(validPins, () => ({}))).then((p) => ({ ...p, [address]: peerId })));
      await init.pins.write(await now);
    },
    async forgetPins() {
      pins = Promise.resolve({});
      await init.pins.write({});
    },
  };
}

/** State kept in memory only: a new identity per background start (tests, or no storage). */
export function memoryPeerLocalState(log: (line: string) => void = () => undefined): PeerLocalState {
  const slot = <T>(): { read(): Promise<T | undefined>; write(v: T): Promise<void> } => {
    let value: T | undefined;
    return { read: async () => value, write: async (v) => void (value = v) };
  };
  return createPeerLocalState({ identity: slot<string>(), pins: slot<Record<string, string>>(), log });
}
