import { describe, expect, it } from 'vitest';
import { chromeManagedSchema, SETTING_NAMES } from '../../../../src/core/settings/index.ts';

describe('chromeManagedSchema', () => {
  it('describes every setting with a type Chrome understands', () => {
    const schema = chromeManagedSchema();
    expect(Object.keys(schema.properties)).toEqual(SETTING_NAMES);
    for (const p of Object.values(schema.properties)) {
      expect(['boolean', 'string', 'integer', 'array']).toContain(p.type);
      expect(typeof p.description).toBe('string');
    }
    expect(schema.properties.lanNodes).toMatchObject({ type: 'array', items: { type: 'string' } });
    expect(schema.properties.maxCacheMB).toMatchObject({ type: 'integer', minimum: 16 });
    expect(schema.properties.meteredMode).toMatchObject({ enum: ['pause', 'ignore'] });
  });
});
