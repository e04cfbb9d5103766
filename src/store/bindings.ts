/**
 * The binding repository: which multihash a URL is expected to have, and where that belief
 * came from (architecture.md, "Trust"). Whether a source may be used at all (e.g. group
 * bindings only with `trustGroupBindings`) is policy, decided by the caller through `sources`.
 */
import type { IndexableType } from 'dexie';
import { decodeCollection, dropCorrupt, type CorruptRow } from './corrupt-records.ts';
import { decodeBinding, type OnCorrupt } from './decode.ts';
import { InvalidRecordError } from './errors.ts';
import type { Binding, BindingSource, PeerCacheDb } from './schema.ts';

/**
 * Preference among fresh bindings of one URL, most trusted first:
 * - 'observed': this browser saw the origin serve these bytes; the most direct evidence of
 *   what the origin serves now, and nobody else can forge it.
 * - 'list': shipped with the extension, generated reproducibly from npm tarballs; trusted,
 *   but it says what the URL served when the list was made, not now.
 * - 'group': a claim from an authenticated peer; one compromised group member could make it.
 */
export const SOURCE_PREFERENCE: readonly BindingSource[] = ['observed', 'list', 'group'];

/** The binding chosen for a URL. */
export interface BindingMatch {
  binding: Binding;
  /**
   * True when the binding is stale (`now >= freshUntil`) or marked `mustRevalidate`: the
   * caller must revalidate with the origin (using `etag`/`lastModified`) before serving.
   */
  needsRevalidation: boolean;
}

/** Options of {@link BindingRepository.lookup}. */
export interface LookupOptions {
  /** Sources the caller may use under current policy; all by default. */
  sources?: readonly BindingSource[];
}

/** URL -> multihash bindings, one per (url, source). */
export interface BindingRepository {
  /**
   * Stores `binding`, replacing the one of the same url and source.
   * @throws {@link InvalidRecordError} when it is not a valid binding; nothing written.
   */
  put(binding: Binding): Promise<void>;
  /**
   * Stores many bindings in one transaction (a round of the group's bindings).
   * @throws {@link InvalidRecordError} when any is not a valid binding; nothing written.
   */
  putMany(bindings: readonly Binding[]): Promise<void>;
  /** The binding of `source` for each of `urls` that has one, fresh or not, by URL. */
  lookupMany(urls: readonly string[], source: BindingSource): Promise<Map<string, Binding>>;
  /**
   * The best binding of `url` at time `now`: any fresh one beats any stale one; among equals,
   * {@link SOURCE_PREFERENCE} decides, then the latest `fetchedAt`. A stale best binding is
   * returned flagged `needsRevalidation`, never as servable.
   */
  lookup(url: string, now: number, options?: LookupOptions): Promise<BindingMatch | undefined>;
  /** All bindings of any URL to `mh`. */
  forHash(mh: string): Promise<Binding[]>;
  /**
   * Bindings of `source` still fresh at `now` and not marked `mustRevalidate`, the most recently
   * fetched first, at most `limit` (what a browser tells its group).
   */
  listFresh(source: BindingSource, now: number, limit: number): Promise<Binding[]>;
  /** Deletes every binding of `url`; resolves to how many there were. */
  deleteUrl(url: string): Promise<number>;
  /** Removes every binding (the user cleared the cache). */
  clear(): Promise<void>;
  /**
   * Deletes bindings whose freshness ended more than `graceMs` before `now`; resolves to how
   * many. A grace period keeps stale bindings (and their validators) for cheap revalidation.
   */
  expire(now: number, graceMs?: number): Promise<number>;
}

/** Dependencies of {@link createBindingRepository}. */
export interface BindingRepositoryInit {
  db: PeerCacheDb;
  onCorrupt: OnCorrupt;
}

function needsRevalidation(b: Binding, now: number): boolean {
  return b.mustRevalidate || now >= b.freshUntil;
}

/**
 * Creates the binding repository over `db`.
 *
 * @example
 * ```ts
 * const bindings = createBindingRepository({ db, onCorrupt });
 * const match = await bindings.lookup(url, Date.now(), { sources: ['observed', 'list'] });
 * if (match && !match.needsRevalidation) serve(match.binding.mh);
 * ```
 */
export function createBindingRepository(init: BindingRepositoryInit): BindingRepository {
  const { db, onCorrupt } = init;
  const drop = (bad: CorruptRow[]): Promise<void> => dropCorrupt(db, 'bindings', bad, decodeBinding, onCorrupt);

  const read = async (index: 'url' | 'mh', value: string): Promise<Binding[]> => {
    const { good, bad } = await decodeCollection(db.bindings.where(index).equals(value), decodeBinding);
    await drop(bad);
    return good;
  };

  return {
    async put(binding) {
      const d = decodeBinding(binding);
      if (!d.ok) throw new InvalidRecordError('bindings', d.reason);
      await db.bindings.put(d.value);
    },

    async putMany(bindings) {
      const rows = bindings.map((b) => {
        const d = decodeBinding(b);
        if (!d.ok) throw new InvalidRecordError('bindings', d.reason);
        return d.value;
      });
      await db.bindings.bulkPut(rows);
    },

    async lookupMany(urls, source) {
      // By primary key ([url+source]): one transaction, no index scan.
      const rows = await db.bindings.bulkGet(urls.map((u) => [u, source]));
      const found = new Map<string, Binding>();
      const bad: CorruptRow[] = [];
      rows.forEach((row, i) => {
        if (row === undefined) return;
        const d = decodeBinding(row);
        if (d.ok) found.set(d.value.url, d.value);
        else bad.push({ key: [urls[i] as string, source] as IndexableType, reason: d.reason });
      });
      await drop(bad);
      return found;
    },

    async lookup(url, now, options = {}) {
      const allowed = options.sources ?? SOURCE_PREFERENCE;
      const candidates = (await read('url', url)).filter((b) => allowed.includes(b.source));
      const ranked = candidates
        .map((binding) => ({ binding, needsRevalidation: needsRevalidation(binding, now) }))
        .sort(
          (a, b) =>
            Number(a.needsRevalidation) - Number(b.needsRevalidation) ||
            SOURCE_PREFERENCE.indexOf(a.binding.source) - SOURCE_PREFERENCE.indexOf(b.binding.source) ||
            b.binding.fetchedAt - a.binding.fetchedAt,
        );
      return ranked[0];
    },

    forHash(mh) {
      return read('mh', mh);
    },

    async listFresh(source, now, limit) {
      const { good, bad } = await decodeCollection(db.bindings.where('freshUntil').above(now), decodeBinding);
      await drop(bad);
      return good.filter((b) => b.source === source && !b.mustRevalidate).sort((a, b) => b.fetchedAt - a.fetchedAt).slice(0, limit);
    },

    async clear() {
      await db.bindings.clear();
    },

    deleteUrl(url) {
      return db.bindings.where('url').equals(url).delete();
    },

    expire(now, graceMs = 0) {
      // Rows with a non-numeric freshUntil are outside any numeric key range; the decoder
      // drops them when they are next read.
      return db.bindings.where('freshUntil').below(now - graceMs).delete();
    },
  };
}
