/**
 * Test fixtures for the store: multihash keys and verification from src/core/integrity, a
 * settable clock, and a store on a fresh fake-indexeddb factory per call, so tests never
 * share a database.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { SRI_ALGORITHMS, verifyMultihashKey, type SriAlgorithm } from '../../../src/core/integrity/index.ts';
import { openStore, type OpenStoreOptions, type Store, type TableName, type VerifyFn } from '../../../src/store/index.ts';
import { keyOf } from '../../support/bytes.ts';

/** The SRI algorithms, each a multihash the store is keyed by. */
export const HASHES = SRI_ALGORITHMS;
export type HashName = SriAlgorithm;

/** The store key (base64url multihash) of `bytes`, computed by the core as the extension does. */
export const multihashKey = (bytes: Uint8Array<ArrayBuffer>, hash: HashName = 'sha256'): Promise<string> => keyOf(bytes, hash);

/** The real verification of src/core/integrity: the store is tested with what it runs with. */
export const verifyWithWebCrypto: VerifyFn = (bytes, key) => verifyMultihashKey(bytes, key);

/** Bytes of `text`, UTF-8. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text);
}

export { bytesOf } from '../../support/bytes.ts';

/** A clock the test moves by hand. */
export interface ManualClock {
  now: () => number;
  set(ms: number): void;
  advance(ms: number): void;
}

export function manualClock(start = Date.UTC(2025, 0, 15, 12)): ManualClock {
  let t = start;
  return {
    now: () => t,
    set: (ms) => {
      t = ms;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/** One onCorrupt call. */
export interface CorruptReport {
  table: TableName;
  key: unknown;
  reason: string;
}

/** A store on its own fake IndexedDB, with what it reported. */
export interface TestStore {
  store: Store;
  factory: IDBFactory;
  clock: ManualClock;
  corrupt: CorruptReport[];
  /** Current budget; tests may change it between puts. */
  budget: { bytes: number };
  /** Opens another connection to the same database, like a second extension context. */
  reopen(): Promise<Store>;
}

/** Opens a store; pass `factory` to reuse an IndexedDB (e.g. one a test prepared). */
export async function openTestStore(overrides: Partial<OpenStoreOptions> & { factory?: IDBFactory } = {}): Promise<TestStore> {
  const { factory: given, ...rest } = overrides;
  const factory = given ?? new IDBFactory();
  const clock = manualClock();
  const corrupt: CorruptReport[] = [];
  const budget = { bytes: 1_000_000 };
  const options: OpenStoreOptions = {
    name: 'peercache-test',
    indexedDB: factory,
    IDBKeyRange,
    verify: verifyWithWebCrypto,
    now: clock.now,
    maxCacheBytes: () => budget.bytes,
    onCorrupt: (table, key, reason) => corrupt.push({ table, key, reason }),
    ...rest,
  };
  const store = await openStore(options);
  return { store, factory, clock, corrupt, budget, reopen: () => openStore(options) };
}
