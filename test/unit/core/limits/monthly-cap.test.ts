import { describe, expect, it } from 'vitest';
import { InvalidLimitError } from '../../../../src/core/limits/errors.ts';
import { MonthlyCap, megabytesToBytes, parseMonthlyCapState, utcMonthOf } from '../../../../src/core/limits/monthly-cap.ts';

const at = (iso: string) => Date.parse(iso);

describe('MonthlyCap', () => {
  it('charges bytes until the cap, all or nothing', () => {
    const cap = new MonthlyCap({ capBytes: 1000, now: () => at('2025-03-10T00:00:00Z') });
    expect(cap.tryConsume(600)).toBe(true);
    expect(cap.tryConsume(500)).toBe(false);
    expect(cap.used()).toBe(600);
    expect(cap.tryConsume(400)).toBe(true);
    expect(cap.remaining()).toBe(0);
    expect(cap.tryConsume(1)).toBe(false);
  });

  it('rolls over at the UTC month boundary, not the local one', () => {
    let now = at('2025-03-31T23:59:59.999Z');
    const cap = new MonthlyCap({ capBytes: 100, now: () => now });
    expect(cap.tryConsume(100)).toBe(true);
    expect(cap.tryConsume(1)).toBe(false);
    now = at('2025-04-01T00:00:00Z');
    expect(cap.tryConsume(100)).toBe(true);
    expect(cap.state()).toEqual({ month: '2025-04', usedBytes: 100 });
  });

  it('survives a restart through its state, and a state from last month starts afresh', () => {
    const now = () => at('2025-12-15T12:00:00Z');
    const first = new MonthlyCap({ capBytes: 100, now });
    first.tryConsume(70);
    const again = new MonthlyCap({ capBytes: 100, now, state: JSON.parse(JSON.stringify(first.state())) });
    expect(again.tryConsume(31)).toBe(false);
    expect(again.tryConsume(30)).toBe(true);
    const stale = new MonthlyCap({ capBytes: 100, now, state: { month: '2025-11', usedBytes: 100 } });
    expect(stale.remaining()).toBe(100);
  });

  it('does not hand out a fresh allowance when the clock goes back a month', () => {
    let now = at('2026-01-05T00:00:00Z');
    const cap = new MonthlyCap({ capBytes: 100, now: () => now });
    cap.tryConsume(100);
    now = at('2025-12-20T00:00:00Z');
    expect(cap.tryConsume(1)).toBe(false);
  });

  it('0 means no upload at all', () => {
    const cap = new MonthlyCap({ capBytes: 0 });
    expect(cap.tryConsume(1)).toBe(false);
    expect(cap.tryConsume(0)).toBe(true);
  });

  it('checks states read back from storage', () => {
    expect(parseMonthlyCapState({ month: '2025-02', usedBytes: 5 })).toEqual({ month: '2025-02', usedBytes: 5 });
    for (const bad of [null, 'x', { month: '2025-13', usedBytes: 1 }, { month: '2025-01', usedBytes: -1 }, { month: '2025-01' }]) {
      expect(parseMonthlyCapState(bad)).toBeNull();
    }
    expect(() => new MonthlyCap({ capBytes: 1, state: { month: 'May', usedBytes: 0 } })).toThrow(InvalidLimitError);
    expect(() => new MonthlyCap({ capBytes: -1 })).toThrow(InvalidLimitError);
  });

  it('names months and counts MB the way the settings page does', () => {
    expect(utcMonthOf(at('2025-07-01T00:30:00+02:00'))).toBe('2025-06');
    expect(megabytesToBytes(5120)).toBe(5_120_000_000);
  });
});
