import { afterEach, expect, it, vi } from 'vitest';
import { createCopyLimit } from '../../../../src/extension/serving/copy-limit.ts';

afterEach(() => vi.useRealTimers());

it('gives at most `copies` slots, and one back when a copy ends', () => {
  const limit = createCopyLimit({ copies: 2, bytes: 100, slotMs: 1_000 });
  const a = limit.acquire();
  const b = limit.acquire();
  expect(limit.acquire()).toBeUndefined();
  a?.release();
  a?.release(); // a stop and an error for the same copy give back one slot
  expect(limit.acquire()).toBeDefined();
  expect(limit.acquire()).toBeUndefined();
  b?.release();
  expect(limit.inFlight.copies).toBe(1);
});

it('drops the copy that would pass the byte budget and frees what it held', () => {
  const limit = createCopyLimit({ copies: 4, bytes: 100, slotMs: 1_000 });
  const a = limit.acquire()!;
  const b = limit.acquire()!;
  expect(a.reserve(60)).toBe(true);
  expect(b.reserve(30)).toBe(true);
  expect(b.reserve(30)).toBe(false);
  expect(limit.inFlight.bytes).toBe(60);
  // A dropped copy takes nothing more, even when there is room again; it keeps its slot until it ends.
  a.release();
  expect(b.reserve(1)).toBe(false);
  expect(limit.inFlight).toEqual({ copies: 1, bytes: 0 });
  b.release();
  expect(limit.inFlight).toEqual({ copies: 0, bytes: 0 });
});

it('takes the slot back from a copy the browser never ended', () => {
  vi.useFakeTimers();
  const limit = createCopyLimit({ copies: 1, bytes: 100, slotMs: 1_000 });
  const lost = limit.acquire()!;
  lost.reserve(50);
  expect(limit.acquire()).toBeUndefined();
  vi.advanceTimersByTime(1_000);
  expect(limit.inFlight).toEqual({ copies: 0, bytes: 0 });
  expect(lost.reserve(1)).toBe(false);
  expect(limit.acquire()).toBeDefined();
});
