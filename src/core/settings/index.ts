export * from './schema.ts';
export * from './validate.ts';
export * from './merge.ts';
export * from './managed-schema.ts';
export * from './notes.ts';
export * from './policy-in-force.ts';
