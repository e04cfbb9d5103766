import { describe, expect, it } from 'vitest';
import { InvalidLimitError } from '../../../../src/core/limits/errors.ts';
import { PenaltyBox, PeerRateLimiter, PeerStreamCounter } from '../../../../src/core/limits/peer-limits.ts';

function fakeClock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('PeerStreamCounter', () => {
  it('limits open streams per peer and frees slots on release (once)', () => {
    const streams = new PeerStreamCounter({ maxPerPeer: 2 });
    const a1 = streams.tryAcquire('a');
    const a2 = streams.tryAcquire('a');
    expect(a1).not.toBeNull();
    expect(a2).not.toBeNull();
    expect(streams.tryAcquire('a')).toBeNull();
    expect(streams.tryAcquire('b')).not.toBeNull();
    a1!();
    a1!();
    expect(streams.openFor('a')).toBe(1);
    expect(streams.tryAcquire('a')).not.toBeNull();
    expect(streams.tryAcquire('a')).toBeNull();
  });

  it('limits all peers together when asked', () => {
    const streams = new PeerStreamCounter({ maxPerPeer: 5, maxTotal: 2 });
    streams.tryAcquire('a');
    const b = streams.tryAcquire('b');
    expect(streams.tryAcquire('c')).toBeNull();
    b!();
    expect(streams.tryAcquire('c')).not.toBeNull();
    expect(streams.total).toBe(2);
  });

  it('forgets peers with no open stream', () => {
    const streams = new PeerStreamCounter({ maxPerPeer: 1 });
    for (let i = 0; i < 100; i++) streams.tryAcquire(`p${i}`)!();
    expect(streams.total).toBe(0);
    expect(() => new PeerStreamCounter({ maxPerPeer: 0 })).toThrow(InvalidLimitError);
  });
});

describe('PeerRateLimiter', () => {
  it('allows a burst, then the sustained rate, per peer', () => {
    const clock = fakeClock();
    const rate = new PeerRateLimiter({ perMinute: 60, burst: 3, now: clock.now });
    expect([1, 2, 3, 4].map(() => rate.tryTake('a'))).toEqual([true, true, true, false]);
    expect(rate.tryTake('b')).toBe(true);
    clock.advance(999);
    expect(rate.tryTake('a')).toBe(false);
    clock.advance(1);
    expect(rate.tryTake('a')).toBe(true);
  });

  it('0 per minute refuses everything', () => {
    expect(new PeerRateLimiter({ perMinute: 0 }).tryTake('a')).toBe(false);
  });

  it('keeps memory bounded however many peers come', () => {
    const clock = fakeClock();
    const rate = new PeerRateLimiter({ perMinute: 60, burst: 2, maxPeers: 3, now: clock.now });
    for (let i = 0; i < 50; i++) {
      rate.tryTake(`p${i}`);
      expect(rate.size).toBeLessThanOrEqual(3);
    }
  });

  it('makes room by dropping a refilled bucket before a drained one, even a less recently used one', () => {
    const clock = fakeClock();
    const rate = new PeerRateLimiter({ perMinute: 60, burst: 2, maxPeers: 2, now: clock.now });
    rate.tryTake('hot');
    rate.tryTake('hot'); // 0 left
    rate.tryTake('cold'); // 1 left, used after 'hot'
    clock.advance(1000); // cold refilled to 2 (as good as forgotten), hot has 1
    expect(rate.tryTake('new')).toBe(true);
    // Plain LRU would have dropped 'hot' and given it a fresh burst of 2.
    expect(rate.tryTake('hot')).toBe(true);
    expect(rate.tryTake('hot')).toBe(false);
  });
});

describe('PenaltyBox', () => {
  it('refuses a peer for the configured time', () => {
    const clock = fakeClock();
    const box = new PenaltyBox({ durationMs: 600_000, now: clock.now });
    box.penalise('bad');
    expect(box.isPenalised('bad')).toBe(true);
    expect(box.isPenalised('good')).toBe(false);
    clock.advance(599_999);
    expect(box.remainingMs('bad')).toBe(1);
    clock.advance(1);
    expect(box.isPenalised('bad')).toBe(false);
  });

  it('defaults to 10 minutes', () => {
    expect(new PenaltyBox().durationMs).toBe(600_000);
  });

  it('a repeat offence restarts the time', () => {
    const clock = fakeClock();
    const box = new PenaltyBox({ durationMs: 1000, now: clock.now });
    box.penalise('bad');
    clock.advance(900);
    box.penalise('bad');
    clock.advance(900);
    expect(box.isPenalised('bad')).toBe(true);
  });

  it('holds at most maxEntries, dropping expired entries, then the soonest to expire', () => {
    const clock = fakeClock();
    const box = new PenaltyBox({ durationMs: 1000, maxEntries: 3, now: clock.now });
    box.penalise('a');
    clock.advance(10);
    box.penalise('b');
    box.penalise('c');
    box.penalise('d');
    expect(box.size).toBe(3);
    expect(box.isPenalised('a')).toBe(false);
    expect(['b', 'c', 'd'].every((p) => box.isPenalised(p))).toBe(true);
    clock.advance(2000);
    box.penalise('e');
    expect(box.size).toBe(1);
  });
});
