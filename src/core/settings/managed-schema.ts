import { SETTINGS, SETTING_NAMES, type SettingDef } from './schema.ts';

/** One property of a Chrome policy schema (a JSON Schema subset Chrome understands). */
type PolicyProperty = Record<string, unknown>;

function property(def: SettingDef): PolicyProperty {
  const base = { title: def.label, description: def.help };
  switch (def.kind) {
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'enum':
      return { ...base, type: 'string', enum: [...def.values] };
    case 'integer':
      return { ...base, type: 'integer', minimum: def.min, maximum: def.max };
    case 'groupKey':
      return { ...base, type: 'string', pattern: '^([0-9a-fA-F]{64})?$' };
    case 'list':
      return { ...base, type: 'array', items: { type: 'string' } };
  }
}

/**
 * The Chrome `storage.managed_schema` document. Chrome drops policy values that do not match
 * it, so it is kept loose where our own validation gives a better message (lists are checked
 * entry by entry by `validateSetting`).
 * https://developer.chrome.com/docs/extensions/reference/manifest/storage
 */
export function chromeManagedSchema(): { type: 'object'; properties: Record<string, PolicyProperty> } {
  const properties: Record<string, PolicyProperty> = {};
  for (const name of SETTING_NAMES) properties[name] = property(SETTINGS[name]);
  return { type: 'object', properties };
}
