import { afterEach, describe, expect, it } from 'vitest';
import { InvalidRecordError } from '../../../src/store/index.ts';
import { openTestStore, type TestStore } from './fixtures.ts';

let t: TestStore | undefined;
afterEach(() => t?.store.close());

const MH = 'EiDpopular';

describe('popularity', () => {
  it('counts distinct peers only', async () => {
    t = await openTestStore();
    expect(await t.store.popularity.recordPeer(MH, 'peer-a')).toBe(1);
    expect(await t.store.popularity.recordPeer(MH, 'peer-a')).toBe(1);
    expect(await t.store.popularity.recordPeer(MH, 'peer-b')).toBe(2);
    expect(await t.store.popularity.peerCount(MH)).toBe(2);
    expect(await t.store.popularity.peerCount('EiDunknown')).toBe(0);
  });

  it('becomes popular exactly at minLanPeers distinct peers', async () => {
    t = await openTestStore();
    await t.store.popularity.recordPeer(MH, 'peer-a');
    await t.store.popularity.recordPeer(MH, 'peer-b');
    await t.store.popularity.recordPeer(MH, 'peer-b');
    expect(await t.store.popularity.isPopular(MH, 3)).toBe(false);
    expect(await t.store.popularity.isPopular(MH, 2)).toBe(true);

    await t.store.popularity.recordPeer(MH, 'peer-c');
    expect(await t.store.popularity.isPopular(MH, 3)).toBe(true);
    expect(await t.store.popularity.isPopular('EiDunknown', 1)).toBe(false);
  });

  it('takes the largest count a LAN node reported, the latest per node, never their sum', async () => {
    t = await openTestStore();
    await t.store.popularity.recordPeer(MH, 'peer-a');
    await t.store.popularity.recordCounts('node-1', new Map([[MH, 4]]));
    await t.store.popularity.recordCounts('node-2', new Map([[MH, 3]]));
    expect(await t.store.popularity.peerCount(MH)).toBe(4);
    expect(await t.store.popularity.isPopular(MH, 4)).toBe(true);
    await t.store.popularity.recordCounts('node-1', new Map([[MH, 1]]));
    expect(await t.store.popularity.peerCount(MH)).toBe(3);
    expect(await t.store.popularity.isPopular(MH, 4)).toBe(false);
    await expect(t.store.popularity.recordCounts('node-1', new Map([[MH, -1]]))).rejects.toThrow(InvalidRecordError);
    expect(await t.store.popularity.peerCount(MH)).toBe(3);
  });

  it('records many counts of one LAN node in one go, keeping what else a record holds', async () => {
    t = await openTestStore();
    await t.store.popularity.recordPeer(MH, 'peer-a');
    await t.store.popularity.recordCounts('node-1', new Map([[MH, 5], ['EiDother', 2]]));
    expect(await t.store.popularity.peerCount(MH)).toBe(5);
    expect(await t.store.popularity.peerCount('EiDother')).toBe(2);
    await expect(t.store.popularity.recordCounts('node-1', new Map([[MH, 1], ['EiDother', -1]]))).rejects.toThrow(InvalidRecordError);
    expect(await t.store.popularity.peerCount(MH)).toBe(5);
    await t.store.popularity.recordCounts('node-1', new Map([[MH, 1]]));
    expect(await t.store.popularity.peerCount(MH)).toBe(1); // peer-a's own advertisement still counts
  });

  it('an asset on the public list is popular without any peer', async () => {
    t = await openTestStore();
    await t.store.popularity.markOnList(MH);

    expect(await t.store.popularity.isPopular(MH, 1000)).toBe(true);
    expect(await t.store.popularity.peerCount(MH)).toBe(0);
  });

  it('loses no advertisement when peers report concurrently', async () => {
    t = await openTestStore();
    const peers = Array.from({ length: 12 }, (_, i) => `peer-${i}`);

    await Promise.all([...peers.map((p) => t?.store.popularity.recordPeer(MH, p)), t.store.popularity.markOnList(MH)]);

    expect(await t.store.popularity.peerCount(MH)).toBe(12);
    expect(await t.store.popularity.isPopular(MH, 1000)).toBe(true);
  });

  it('stamps updates with the injected clock', async () => {
    t = await openTestStore();
    t.clock.set(42_000);
    await t.store.popularity.recordPeer(MH, 'peer-a');

    expect(await t.store.db.popularity.get(MH)).toEqual({ mh: MH, peers: ['peer-a'], onList: false, updatedAt: 42_000 });
  });

  it('rejects a threshold that would make everything popular', async () => {
    t = await openTestStore();
    await expect(t.store.popularity.isPopular(MH, 0)).rejects.toBeInstanceOf(RangeError);
  });
});
