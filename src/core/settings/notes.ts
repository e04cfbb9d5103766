/**
 * Notes on settings that are valid one by one but do nothing together (a demanding user asks
 * "why does this have no effect?"): shown beside the field on the options page. Pure.
 */
import type { SettingName, Settings } from './schema.ts';

/** Message keys of the notes (extension/_locales). */
export type SettingNote = 'noteNeedsGroupKey' | 'noteNeedsLanNode';

export function settingNotes(s: Settings): Partial<Record<SettingName, SettingNote>> {
  const notes: Partial<Record<SettingName, SettingNote>> = {};
  // Group bindings travel only inside a group (architecture.md, "Trust").
  if (s.trustGroupBindings && s.groupKey === '') notes.trustGroupBindings = 'noteNeedsGroupKey';
  // Sharing needs somewhere to share: browsers meet through a LAN node.
  if (s.sharingMode === 'lan' && s.lanNodes.length === 0) notes.lanNodes = 'noteNeedsLanNode';
  return notes;
}
