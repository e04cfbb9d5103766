import { describe, expect, it } from 'vitest';
import { InvalidLimitError } from '../../../../src/core/limits/errors.ts';
import { TokenBucket, createUploadBucket, kbpsToBytesPerSecond } from '../../../../src/core/limits/token-bucket.ts';

function fakeClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('TokenBucket', () => {
  it('allows one burst, then says how long to wait for the rest', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ capacity: 100, refillPerSecond: 50, now: clock.now });
    expect(bucket.take(60)).toEqual({ ok: true });
    expect(bucket.take(60)).toEqual({ ok: false, waitMs: 400 }); // 20 missing at 50/s
    clock.advance(399);
    expect(bucket.take(60).ok).toBe(false);
    clock.advance(1);
    expect(bucket.take(60)).toEqual({ ok: true });
    expect(bucket.taken).toBe(120);
  });

  it('takes all or nothing', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ capacity: 10, refillPerSecond: 1, now: clock.now });
    bucket.take(8);
    expect(bucket.take(5).ok).toBe(false);
    expect(bucket.available).toBe(2);
    expect(bucket.taken).toBe(8);
  });

  it('never holds more than its capacity, however long it idles', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ capacity: 10, refillPerSecond: 1000, initial: 0, now: clock.now });
    clock.advance(3_600_000);
    expect(bucket.available).toBe(10);
  });

  it('does not lose tokens when the clock steps back', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ capacity: 10, refillPerSecond: 1, initial: 5, now: clock.now });
    clock.advance(-60_000);
    expect(bucket.available).toBe(5);
    clock.advance(2000);
    expect(bucket.available).toBe(7);
  });

  it('answers Infinity when it never refills', () => {
    const bucket = new TokenBucket({ capacity: 10, refillPerSecond: 0, initial: 0, now: () => 0 });
    expect(bucket.take(1)).toEqual({ ok: false, waitMs: Infinity });
  });

  it('refuses requests it could never satisfy and meaningless settings', () => {
    const bucket = new TokenBucket({ capacity: 10, refillPerSecond: 1 });
    expect(() => bucket.take(11)).toThrow(InvalidLimitError);
    expect(() => bucket.take(-1)).toThrow(InvalidLimitError);
    expect(() => new TokenBucket({ capacity: 0, refillPerSecond: 1 })).toThrow(InvalidLimitError);
    expect(() => new TokenBucket({ capacity: 1, refillPerSecond: Number.NaN })).toThrow(InvalidLimitError);
  });
});

describe('upload bucket from maxUploadKbps', () => {
  it('converts kbit/s to bytes/s (1 kbit = 1000 bit)', () => {
    expect(kbpsToBytesPerSecond(10_000)).toBe(1_250_000);
    expect(kbpsToBytesPerSecond(8)).toBe(1000);
  });

  it('paces at the configured rate after a burst of at least one chunk', () => {
    const clock = fakeClock();
    const bucket = createUploadBucket(8, { now: clock.now }); // 1000 B/s
    expect(bucket.capacity).toBe(65_536);
    expect(bucket.take(65_536).ok).toBe(true);
    expect(bucket.take(1000)).toEqual({ ok: false, waitMs: 1000 });
  });

  it('bursts 100 ms of traffic on fast links, so timers do not cap the rate', () => {
    expect(createUploadBucket(10_000_000).capacity).toBe(125_000_000);
  });

  it('0 kbit/s never uploads, not even a first burst', () => {
    const clock = fakeClock();
    const bucket = createUploadBucket(0, { now: clock.now });
    expect(bucket.take(1)).toEqual({ ok: false, waitMs: Infinity });
    clock.advance(86_400_000);
    expect(bucket.take(1).ok).toBe(false);
  });
});
