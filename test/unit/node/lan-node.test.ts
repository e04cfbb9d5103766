import { preSharedKey } from '@libp2p/pnet';
import { describe, expect, it } from 'vitest';
import { groupKeyToPsk } from '../../../src/node/lan-node.ts';

describe('group key', () => {
  it('becomes a key file @libp2p/pnet accepts', () => {
    const psk = groupKeyToPsk('AB'.repeat(32));
    expect(new TextDecoder().decode(psk)).toBe(`/key/swarm/psk/1.0.0/\n/base16/\n${'ab'.repeat(32)}`);
    expect(() => preSharedKey({ psk })()).not.toThrow();
  });

  it('refuses anything but 64 hex characters', () => {
    expect(() => groupKeyToPsk('ab'.repeat(16))).toThrow(RangeError);
    expect(() => groupKeyToPsk('zz'.repeat(32))).toThrow(RangeError);
  });
});
