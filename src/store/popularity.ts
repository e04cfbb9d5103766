/**
 * The popularity repository: which LAN peers advertised an asset and whether it is on the
 * public hash list. An asset is served cross-site only when popular at population level
 * (architecture.md, "Privacy"), so a single site cannot probe the cache to learn history.
 */
import { decodeOne, dropCorrupt, type CorruptRow } from './corrupt-records.ts';
import { decodePopularity, type OnCorrupt } from './decode.ts';
import { InvalidRecordError } from './errors.ts';
import type { PeerCacheDb, PopularityRecord } from './schema.ts';

/**
 * Peers remembered per asset. Counting beyond the largest allowed `minLanPeers` (1,000 in the
 * settings schema) changes no decision, and the cap bounds a row a hostile peer set could grow.
 */
export const MAX_PEERS_PER_ASSET = 1_000;

const holders = (rec: PopularityRecord): number => Math.max(rec.peers.length, ...Object.values(rec.counts ?? {}));

/** Population-level popularity of assets. */
export interface PopularityRepository {
  /**
   * Records that `peerId` advertised holding `mh`; resolves to the distinct peer count.
   * @throws {@link InvalidRecordError} when `mh` or `peerId` is not a non-empty string.
   */
  recordPeer(mh: string, peerId: string): Promise<number>;
  /**
   * Records that the LAN node `reporter` counted, per asset, that many distinct group members
   * holding it (the group's bindings book), in one transaction; the latest count per reporter
   * replaces the earlier one.
   * @throws {@link InvalidRecordError} when `reporter` or a key is empty, or a count is not a
   * non-negative integer; nothing written.
   */
  recordCounts(reporter: string, counts: ReadonlyMap<string, number>): Promise<void>;
  /**
   * Distinct peers known to hold `mh` (0 when unknown): those that advertised it here, or the
   * largest count one LAN node reported, whichever is more. Counts of different LAN nodes are
   * not added: their members may overlap.
   */
  peerCount(mh: string): Promise<number>;
  /** Marks `mh` as on the public hash list. */
  markOnList(mh: string): Promise<void>;
  /**
   * Whether `mh` may be served cross-site: on the list, or advertised by at least
   * `minLanPeers` distinct peers.
   * @throws RangeError when `minLanPeers` is not a positive integer (0 would make everything
   * popular; turning the gate off is the `requirePopular` setting's job, not this one's).
   */
  isPopular(mh: string, minLanPeers: number): Promise<boolean>;
}

/** Dependencies of {@link createPopularityRepository}. */
export interface PopularityRepositoryInit {
  db: PeerCacheDb;
  now: () => number;
  onCorrupt: OnCorrupt;
}

/**
 * Creates the popularity repository over `db`.
 *
 * @example
 * ```ts
 * const popularity = createPopularityRepository({ db, now: Date.now, onCorrupt });
 * await popularity.recordPeer(mh, peerId);
 * if (await popularity.isPopular(mh, settings.minLanPeers)) answerQuery(mh);
 * ```
 */
export function createPopularityRepository(init: PopularityRepositoryInit): PopularityRepository {
  const { db, now, onCorrupt } = init;

  const read = async (mh: string): Promise<PopularityRecord | undefined> => {
    const bad: CorruptRow[] = [];
    const rec = decodeOne(await db.popularity.get(mh), mh, decodePopularity, bad);
    await dropCorrupt(db, 'popularity', bad, decodePopularity, onCorrupt);
    return rec;
  };

  /** Read-modify-write in one transaction, so concurrent advertisements are not lost. */
  const update = async (mh: string, change: (rec: PopularityRecord) => void): Promise<PopularityRecord> => {
    if (typeof mh !== 'string' || mh === '') throw new InvalidRecordError('popularity', 'mh is not a non-empty string');
    const bad: CorruptRow[] = [];
    const rec = await db.transaction('rw', db.popularity, async () => {
      const current = decodeOne(await db.popularity.get(mh), mh, decodePopularity, bad);
      // An undecodable row is replaced by a fresh one: that drops it, and only it.
      const next = current ?? { mh, peers: [], onList: false, updatedAt: 0 };
      change(next);
      next.updatedAt = now();
      await db.popularity.put(next);
      return next;
    });
    for (const row of bad) onCorrupt('popularity', row.key, row.reason);
    return rec;
  };

  return {
    async recordPeer(mh, peerId) {
      if (typeof peerId !== 'string' || peerId === '') throw new InvalidRecordError('popularity', 'peer id is not a non-empty string');
      const rec = await update(mh, (r) => {
        if (!r.peers.includes(peerId) && r.peers.length < MAX_PEERS_PER_ASSET) r.peers.push(peerId);
      });
      return rec.peers.length;
    },

    async recordCounts(reporter, counts) {
      if (typeof reporter !== 'string' || reporter === '') throw new InvalidRecordError('popularity', 'reporter is not a non-empty string');
      for (const [mh, count] of counts) {
        if (typeof mh !== 'string' || mh === '') throw new InvalidRecordError('popularity', 'mh is not a non-empty string');
        if (!Number.isInteger(count) || count < 0) throw new InvalidRecordError('popularity', 'count is not a non-negative integer');
      }
      const keys = [...counts.keys()];
      const bad: CorruptRow[] = [];
      await db.transaction('rw', db.popularity, async () => {
        const rows = await db.popularity.bulkGet(keys);
        const next = keys.map((mh, i) => {
          const rec = decodeOne(rows[i], mh, decodePopularity, bad) ?? { mh, peers: [], onList: false, updatedAt: 0 };
          rec.counts = { ...rec.counts, [reporter]: Math.min(counts.get(mh)!, MAX_PEERS_PER_ASSET) };
          rec.updatedAt = now();
          return rec;
        });
        await db.popularity.bulkPut(next);
      });
      for (const row of bad) onCorrupt('popularity', row.key, row.reason);
    },

    async peerCount(mh) {
      const rec = await read(mh);
      return rec ? holders(rec) : 0;
    },

    async markOnList(mh) {
      await update(mh, (r) => {
        r.onList = true;
      });
    },

    async isPopular(mh, minLanPeers) {
      if (!Number.isInteger(minLanPeers) || minLanPeers < 1) throw new RangeError(`minLanPeers must be a positive integer, got ${minLanPeers}`);
      const rec = await read(mh);
      return rec !== undefined && (rec.onList || holders(rec) >= minLanPeers);
    },
  };
}
