import { describe, expect, it } from 'vitest';
import { mergeSettings } from '../../../../src/core/settings/index.ts';
import { createPolicyMemory } from '../../../../src/extension/background/policy-memory.ts';

function memoryState(initial?: Record<string, unknown>) {
  const writes: Record<string, unknown>[] = [];
  let stored = initial;
  return {
    writes,
    stored: () => stored,
    state: { read: async () => stored, write: async (p: Record<string, unknown>) => void writes.push((stored = p)) },
  };
}

describe("the background's memory of the policy", () => {
  it('remembers the locked settings and their values, and writes nothing when they did not change', async () => {
    const m = memoryState();
    const remember = createPolicyMemory(m.state);
    const settings = mergeSettings({ policy: { sharingMode: 'off', maxCacheMB: 64 }, user: { enabled: false } });
    await remember(settings);
    await remember(settings);
    expect(m.writes).toEqual([{ sharingMode: 'off', maxCacheMB: 64 }]);
  });

  it('an organisation that removes its policy is remembered as no locks', async () => {
    const m = memoryState({ sharingMode: 'off' });
    await createPolicyMemory(m.state)(mergeSettings({}));
    expect(m.stored()).toEqual({});
  });

  it('remembers a group key the policy sets as locked, without the key (storage.local is readable by Firefox content scripts)', async () => {
    const m = memoryState();
    await createPolicyMemory(m.state)(mergeSettings({ policy: { groupKey: 'ab'.repeat(32), sharingMode: 'lan' } }));
    expect(m.stored()).toEqual({ groupKey: '', sharingMode: 'lan' });
    expect(JSON.stringify(m.stored())).not.toContain('ab'.repeat(32));
  });
});
