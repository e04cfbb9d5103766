import type { SettingDef } from '../../core/settings/index.ts';
import { t } from '../platform/i18n.ts';

/** Builds the input control for one setting kind; returns it with a reader of its value. */
export function createControl(id: string, name: string, def: SettingDef): { control: HTMLElement; read: () => unknown; write: (v: unknown) => void } {
  switch (def.kind) {
    case 'boolean': {
      const input = Object.assign(document.createElement('input'), { type: 'checkbox', id });
      return { control: input, read: () => input.checked, write: (v) => (input.checked = v === true) };
    }
    case 'enum': {
      const select = Object.assign(document.createElement('select'), { id });
      // The label in the UI language, and the value admins write in policy files.
      for (const value of def.values) select.append(new Option(`${t(`setting_${name}_value_${value}`)} (${value})`, value));
      return { control: select, read: () => select.value, write: (v) => (select.value = String(v)) };
    }
    case 'integer': {
      const input = Object.assign(document.createElement('input'), { type: 'number', id, min: String(def.min), max: String(def.max), step: '1' });
      // An empty or non-numeric field is sent as text so that validation names the problem.
      return { control: input, read: () => (input.value.trim() === '' || Number.isNaN(input.valueAsNumber) ? input.value : input.valueAsNumber), write: (v) => (input.value = String(v)) };
    }
    case 'groupKey': {
      const input = Object.assign(document.createElement('input'), { type: 'password', id, autocomplete: 'off', spellcheck: false });
      return { control: input, read: () => input.value.trim(), write: (v) => (input.value = String(v)) };
    }
    case 'list': {
      const area = Object.assign(document.createElement('textarea'), { id, rows: 3, spellcheck: false });
      return {
        control: area,
        read: () => area.value.split('\n').map((l) => l.trim()).filter((l) => l !== ''),
        write: (v) => (area.value = Array.isArray(v) ? v.join('\n') : ''),
      };
    }
  }
}
