/**
 * The binding repository: which multihash a URL is expected to have, and where that belief
 * came from (architecture.md, "Trust"). Whether a source may be used at all (e.g. group
 * bindings only with `trustGroupBindings`) is policy, decided by the caller through `sources`.
 */
import { Dexie, type IndexableType } from 'dexie';
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

/**
 * Observed bindings kept per site (the host of the page that loaded the URL). A page can make
 * its browser see any number of URLs (`app.js?i=1`, `?i=2`, ...), each a row; past this, the
 * site's own oldest go, so one site cannot push out what other sites' pages use (issue 10,
 * item 2). A real site's pages load a few hundred cacheable files at most.
 */
export const MAX_BINDINGS_PER_SITE = 2_000;

/**
 * Bindings kept in all; past this, {@link BindingRepository.trim} drops the oldest (by
 * `fetchedAt`). A backstop for what the per-site cap cannot see: many subdomains, and the
 * group's claims. About 25 sites at their cap; each row is a few hundred bytes.
 */
export const MAX_BINDINGS = 50_000;

/** How long a binding is kept after its freshness ended: its validators still save a download. */
export const STALE_GRACE_MS = 7 * 86_400_000;

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
  /**
   * Expires bindings stale for more than `graceMs` ({@link STALE_GRACE_MS} by default), then,
   * when more than `maxRows` ({@link MAX_BINDINGS}) remain, deletes the oldest by `fetchedAt`
   * until `maxRows` do. Resolves to how many went each way.
   */
  trim(now: number, options?: { graceMs?: number; maxRows?: number }): Promise<{ expired: number; overCap: number }>;
}

/** Dependencies of {@link createBindingRepository}. */
export interface BindingRepositoryInit {
  db: PeerCacheDb;
  onCorrupt: OnCorrupt;
  /** Observed bindings kept per site; {@link MAX_BINDINGS_PER_SITE} by default. */
  maxPerSite?: number;
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
  const { db, onCorrupt, maxPerSite = MAX_BINDINGS_PER_SITE } = init;
  const drop = (bad: CorruptRow[]): Promise<void> => dropCorrupt(db, 'bindings', bad, decodeBinding, onCorrupt);

  const read = async (index: 'url' | 'mh', value: string): Promise<Binding[]> => {
    const { good, bad } = await decodeCollection(db.bindings.where(index).equals(value), decodeBinding);
    await drop(bad);
    return good;
  };

  const expire = (now: number, graceMs = 0): Promise<number> =>
    // Rows with a non-numeric freshUntil are outside any numeric key range; the decoder
    // drops them when they are next read.
    db.bindings.where('freshUntil').below(now - graceMs).delete();

  return {
    async put(binding) {
      const d = decodeBinding(binding);
      if (!d.ok) throw new InvalidRecordError('bindings', d.reason);
      const { site } = d.value;
      await db.transaction('rw', db.bindings, async () => {
        await db.bindings.put(d.value);
        if (site === undefined) return;
        // Over the site's share: its own oldest rows go (the one just written is the newest).
        const ofSite = db.bindings.where('[site+fetchedAt]').between([site, Dexie.minKey], [site, Dexie.maxKey]);
        const excess = (await ofSite.count()) - maxPerSite;
        if (excess > 0) await db.bindings.bulkDelete(await ofSite.limit(excess).primaryKeys());
      });
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

    expire,

    async trim(now, options = {}) {
      const expired = await expire(now, options.graceMs ?? STALE_GRACE_MS);
      const excess = (await db.bindings.count()) - (options.maxRows ?? MAX_BINDINGS);
      if (excess <= 0) return { expired, overCap: 0 };
      // Rows whose fetchedAt is not a number are outside the index; the decoder drops them.
      const oldest = await db.bindings.orderBy('fetchedAt').limit(excess).primaryKeys();
      await db.bindings.bulkDelete(oldest);
      return { expired, overCap: oldest.length };
    },
  };
}
