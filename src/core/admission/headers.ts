/**
 * Case-insensitive read access to HTTP header fields, from whichever shape the caller
 * has: `[name, value]` pairs (fetch `Headers` entries, Node), webRequest's
 * `{ name, value }` objects, or a plain record.
 */

/** Header fields as the admission code accepts them. */
export type HeaderInput =
  | Iterable<readonly [string, string]>
  | Iterable<{ readonly name: string; readonly value?: string | undefined }>
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Read-only, case-insensitive view of a set of header fields. */
export interface HeaderLookup {
  /** Every field line's value for `name`, in order; empty if absent. */
  all(name: string): readonly string[];
  /**
   * The field lines combined as one value, joined by ", " (RFC 9110 §5.3), or undefined
   * when absent. Not meaningful for Set-Cookie, which only gets a presence check here.
   */
  get(name: string): string | undefined;
  has(name: string): boolean;
}

/** Build a {@link HeaderLookup}. Names are compared ASCII case-insensitively (RFC 9110 §5.1). */
export function createHeaderLookup(input: HeaderInput | undefined): HeaderLookup {
  const fields = new Map<string, string[]>();
  const add = (name: string, value: string): void => {
    const key = name.toLowerCase();
    const list = fields.get(key);
    if (list) list.push(value);
    else fields.set(key, [value]);
  };
  if (input === undefined) {
    // No fields.
  } else if (isIterable(input)) {
    for (const field of input) {
      if (Array.isArray(field)) add(String(field[0]), String(field[1] ?? ''));
      // webRequest may give `binaryValue` instead of `value`; we never need those.
      else if ('name' in field) add(field.name, field.value ?? '');
    }
  } else {
    for (const [name, value] of Object.entries(input)) {
      if (value === undefined) continue;
      for (const v of typeof value === 'string' ? [value] : value) add(name, v);
    }
  }
  return {
    all: (name) => fields.get(name.toLowerCase()) ?? [],
    get: (name) => fields.get(name.toLowerCase())?.join(', '),
    has: (name) => fields.has(name.toLowerCase()),
  };
}

function isIterable(value: object): value is Iterable<unknown> {
  return typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}

/**
 * Split a comma-separated list field (RFC 9110 §5.6.1 `#rule`) into trimmed, non-empty
 * elements, not splitting inside quoted strings, as long as they are well formed.
 *
 * A quoted string left open, or followed by more than space before the next comma
 * (`x="a, no-store` or `x="a, max-age="1`), is malformed, and where its quotes pair is a
 * guess: its commas split too, so a later element such as `no-store`, `private` or `max-age`
 * is never hidden (found by test/fuzz/admission.test.ts; http-cache-semantics, which splits
 * at every comma, sees those elements).
 */
export function splitList(value: string): string[] {
  const items: string[] = [];
  let current = '';
  let quoted = false;
  let afterQuote = false; // a quoted string closed in this element
  let malformed = false;
  const finish = (): void => {
    if (quoted || malformed) items.push(...current.split(','));
    else items.push(current);
    current = '';
    quoted = afterQuote = malformed = false;
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted) {
      current += c;
      if (c === '\\' && i + 1 < value.length) current += value[++i];
      else if (c === '"') {
        quoted = false;
        afterQuote = true;
      }
    } else if (c === ',') {
      finish();
    } else {
      if (afterQuote && c !== ' ' && c !== '\t') malformed = true;
      if (c === '"') quoted = true;
      current += c;
    }
  }
  finish();
  return items.map((item) => item.trim()).filter((item) => item !== '');
}
