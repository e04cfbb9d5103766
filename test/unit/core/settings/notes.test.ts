import { describe, expect, it } from 'vitest';
import { defaultSettings, settingNotes, type Settings } from '../../../../src/core/settings/index.ts';

const with_ = (over: Partial<Settings>): Settings => ({ ...defaultSettings(), ...over });

describe('settingNotes', () => {
  it('says trusting group bindings does nothing without a group key', () => {
    expect(settingNotes(with_({ trustGroupBindings: true, groupKey: '' })).trustGroupBindings).toBe('noteNeedsGroupKey');
    expect(settingNotes(with_({ trustGroupBindings: true, groupKey: 'ab'.repeat(32) })).trustGroupBindings).toBeUndefined();
    expect(settingNotes(with_({ trustGroupBindings: false, groupKey: '' })).trustGroupBindings).toBeUndefined();
  });

  it('says LAN sharing shares nothing until a LAN node is set', () => {
    expect(settingNotes(with_({ sharingMode: 'lan', lanNodes: [] })).lanNodes).toBe('noteNeedsLanNode');
    expect(settingNotes(with_({ sharingMode: 'lan', lanNodes: ['/ip4/192.168.1.2/tcp/4002/ws'] })).lanNodes).toBeUndefined();
    expect(settingNotes(with_({ sharingMode: 'off', lanNodes: [] })).lanNodes).toBeUndefined();
  });
});
