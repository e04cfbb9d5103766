import { SETTING_GROUPS, SETTINGS, SETTING_NAMES, settingNotes, type SettingGroup, type SettingName } from '../../core/settings/index.ts';
import type { SetSettingResult, SettingsView } from '../messages.ts';
import { t } from '../platform/i18n.ts';
import { createControl } from './setting-field.ts';

const GROUP_TITLES: Record<SettingGroup, string> = {
  cache: 'groupCache',
  sharing: 'groupSharing',
  limits: 'groupLimits',
  privacy: 'groupPrivacy',
  advanced: 'groupAdvanced',
};

/** What the options page needs from the background. */
export interface OptionsBackend {
  load(): Promise<SettingsView>;
  set(name: SettingName, value: unknown): Promise<SetSettingResult>;
}

interface Row {
  readonly root: HTMLElement;
  readonly control: HTMLElement;
  readonly error: HTMLElement;
  readonly lockNote: HTMLElement;
  readonly note: HTMLElement;
  readonly write: (v: unknown) => void;
}

/**
 * Renders one form field per setting, grouped, from the schema. Locked settings are disabled
 * and say so; a refused change shows the validator's message next to its field. The fields
 * enter the page only with the first settings shown, so a locked setting never shows as
 * editable, not even for a frame. `show(view, false)` shows remembered settings while the real
 * policy is awaited (settings-view.ts): their locks, with every field disabled until `show(view,
 * true)` or `refresh` confirms them; a remembered view never replaces a confirmed one.
 */
export function renderOptions(root: HTMLElement, backend: OptionsBackend): { show: (view: SettingsView, confirmed: boolean) => void; refresh: () => Promise<void> } {
  const rows = new Map<SettingName, Row>();
  const form = document.createDocumentFragment();
  const problems = Object.assign(document.createElement('div'), { className: 'problems', role: 'status' });
  const checking = Object.assign(document.createElement('p'), { className: 'checking', role: 'status', textContent: t('policyChecking'), hidden: true });
  let confirmedOnce = false;
  form.append(checking, problems);

  for (const group of SETTING_GROUPS) {
    const fieldset = document.createElement('fieldset');
    fieldset.append(Object.assign(document.createElement('legend'), { textContent: t(GROUP_TITLES[group]) }));
    for (const name of SETTING_NAMES.filter((n) => SETTINGS[n].group === group)) {
      const def = SETTINGS[name];
      const id = `setting-${name}`;
      const { control, read, write } = createControl(id, name, def);
      const row = Object.assign(document.createElement('div'), { className: `setting kind-${def.kind}` });
      row.dataset.setting = name;
      const label = Object.assign(document.createElement('label'), { htmlFor: id, textContent: t(`setting_${name}_label`) });
      const help = Object.assign(document.createElement('p'), { className: 'help', id: `${id}-help`, textContent: t(`setting_${name}_help`) });
      const lockNote = Object.assign(document.createElement('p'), { className: 'locked-note', textContent: t('lockedNote'), hidden: true });
      const error = Object.assign(document.createElement('p'), { className: 'error', id: `${id}-error`, role: 'alert' });
      const note = Object.assign(document.createElement('p'), { className: 'note', id: `${id}-note`, hidden: true });
      control.setAttribute('aria-describedby', `${id}-help ${id}-note ${id}-error`);
      // Integers carry their unit beside the field ("MB", "kbit/s").
      const field = def.kind === 'integer' ? Object.assign(document.createElement('span'), { className: 'with-unit' }) : control;
      if (def.kind === 'integer') field.append(control, ` ${t(`setting_${name}_unit`)}`);
      row.append(label, field, lockNote, help, note, error);
      fieldset.append(row);
      rows.set(name, { root: row, control, error, lockNote, note, write });

      control.addEventListener('change', () => {
        void backend.set(name, read()).then((result) => {
          if (result.ok) {
            error.textContent = '';
            control.removeAttribute('aria-invalid');
            apply(result.view);
          } else {
            error.textContent = result.message;
            control.setAttribute('aria-invalid', 'true');
          }
        });
      });
    }
    form.append(fieldset);
  }

  function apply(view: SettingsView, confirmed = true): void {
    const notes = settingNotes(view.values);
    for (const [name, row] of rows) {
      const note = notes[name];
      row.note.textContent = note ? t(note) : '';
      row.note.hidden = !note;
      const locked = view.locked.includes(name);
      // Keep what the user is typing; only rewrite a field that is not being edited.
      if (document.activeElement !== row.control || locked) row.write(view.values[name]);
      (row.control as HTMLInputElement).disabled = locked || !confirmed;
      row.lockNote.hidden = !locked;
      row.root.classList.toggle('locked', locked);
    }
    checking.hidden = confirmed;
    document.body.classList.toggle('provisional', !confirmed);
    const policyProblems = view.problems.filter((p) => p.source === 'policy');
    problems.replaceChildren(
      ...policyProblems.map((p) =>
        Object.assign(document.createElement('p'), { textContent: t('policyProblem', [p.name, p.message]) }),
      ),
    );
  }

  const show = (view: SettingsView, confirmed: boolean): void => {
    if (!confirmed && confirmedOnce) return;
    confirmedOnce ||= confirmed;
    apply(view, confirmed);
    // The first time: the fields, with their values and locks, appear in one step.
    if (form.childNodes.length > 0) root.append(form);
  };
  const refresh = async (): Promise<void> => show(await backend.load(), true);
  return { show, refresh };
}
