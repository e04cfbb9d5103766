import { parseLanMultiaddr } from '../lan-address.ts';
import { normalizeSitePattern } from '../sites.ts';
import { settingDef, type SettingDef } from './schema.ts';

/** Outcome of checking one value against its schema entry. */
export type Checked = { ok: true; value: unknown } | { ok: false; message: string };

/** A short, safe rendering of a bad value for error messages (policy files can hold anything). */
function show(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function checkDef(def: SettingDef, value: unknown): Checked {
  switch (def.kind) {
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, value } : { ok: false, message: `expected true or false, got ${show(value)}` };
    case 'enum':
      return typeof value === 'string' && def.values.includes(value)
        ? { ok: true, value }
        : { ok: false, message: `expected one of ${def.values.map((v) => `"${v}"`).join(', ')}, got ${show(value)}` };
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && value >= def.min && value <= def.max
        ? { ok: true, value }
        : { ok: false, message: `expected a whole number from ${def.min} to ${def.max} (${def.unit}), got ${show(value)}` };
    case 'groupKey':
      if (value === '') return { ok: true, value };
      return typeof value === 'string' && /^[0-9a-fA-F]{64}$/.test(value.trim())
        ? { ok: true, value: value.trim().toLowerCase() }
        : { ok: false, message: 'expected 64 hexadecimal characters (a 256-bit key, e.g. from `openssl rand -hex 32`) or "" for no group' };
    case 'list': {
      if (!Array.isArray(value)) return { ok: false, message: `expected a list of strings, got ${show(value)}` };
      if (value.length > def.maxItems) return { ok: false, message: `at most ${def.maxItems} entries, got ${value.length}` };
      const out: string[] = [];
      for (const [i, item] of value.entries()) {
        if (typeof item !== 'string') return { ok: false, message: `entry ${i + 1} is not a string: ${show(item)}` };
        if (item.trim() === '') continue;
        if (def.item === 'lanMultiaddr') {
          const parsed = parseLanMultiaddr(item);
          if (typeof parsed === 'string') return { ok: false, message: `entry ${i + 1} (${show(item)}) ${parsed}` };
          out.push(item.trim());
        } else {
          const site = normalizeSitePattern(item);
          if (typeof site !== 'string') return { ok: false, message: `entry ${i + 1}: ${site.error}` };
          out.push(site);
        }
      }
      return { ok: true, value: [...new Set(out)] };
    }
  }
}

/**
 * Checks one value for the named setting. Never throws, whatever the input: policy files are
 * written by hand and arrive as arbitrary JSON.
 * @example validateSetting('maxCacheMB', 'lots') // { ok: false, message: 'expected a whole number …' }
 */
export function validateSetting(name: string, value: unknown): Checked {
  const def = settingDef(name);
  if (!def) return { ok: false, message: 'unknown setting' };
  return checkDef(def, value);
}
