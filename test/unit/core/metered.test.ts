import { describe, expect, it } from 'vitest';
import { networkState } from '../../../src/core/metered.ts';

const pause = { treatAsMetered: false, meteredMode: 'pause' };

describe('networkState', () => {
  it('is not metered without any signal', () => {
    expect(networkState(undefined, pause)).toEqual({ metered: false, sharingPaused: false });
    expect(networkState({ type: 'wifi', saveData: false }, pause)).toEqual({ metered: false, sharingPaused: false });
  });
  it.each([
    [{ saveData: true }, 'save-data'],
    [{ type: 'cellular' }, 'cellular'],
  ] as const)('pauses sharing on %j', (hints, reason) => {
    expect(networkState(hints, pause)).toEqual({ metered: true, reason, sharingPaused: true });
  });
  it('lets the switch say metered where the browser cannot tell', () => {
    expect(networkState(undefined, { treatAsMetered: true, meteredMode: 'pause' })).toEqual({ metered: true, reason: 'setting', sharingPaused: true });
  });
  it('shares anyway when meteredMode is ignore', () => {
    expect(networkState({ saveData: true }, { treatAsMetered: false, meteredMode: 'ignore' })).toEqual({ metered: true, reason: 'save-data', sharingPaused: false });
  });
});
