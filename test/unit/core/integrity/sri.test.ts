import { describe, expect, it } from 'vitest';
import { bytesMatchSri, parseSri, strongest } from '../../../../src/core/integrity/sri.ts';
import {
  FRAMEWORK_A,
  FRAMEWORK_B,
  HELLO_SCRIPT,
  HELLO_SHA384,
  HELLO_SHA512,
  SHA256_ABC,
  SHA256_ABC_B64,
  SHA256_ABC_B64URL,
  SHA256_EMPTY,
  SHA384_ABC,
  SHA512_ABC,
  utf8,
} from './vectors.ts';

const summary = (metadata: string) => parseSri(metadata).map((e) => `${e.algorithm}-${e.base64}`);

describe('parseSri', () => {
  it('reads the spec example hash into algorithm, digest bytes and canonical base64', () => {
    const [entry, ...rest] = parseSri(HELLO_SHA384);
    expect(rest).toEqual([]);
    expect(entry?.algorithm).toBe('sha384');
    expect(entry?.digest.length).toBe(48);
    expect(`sha384-${entry?.base64}`).toBe(HELLO_SHA384);
  });

  it('keeps several hashes in order, split on any ASCII whitespace', () => {
    const metadata = `\n  ${HELLO_SHA384}\t\f${HELLO_SHA512}\r\n sha256-${SHA256_ABC_B64}  `;
    expect(summary(metadata)).toEqual([HELLO_SHA384, HELLO_SHA512, `sha256-${SHA256_ABC_B64}`]);
  });

  it('does not split on non-ASCII whitespace (U+00A0)', () => {
    expect(parseSri(`${HELLO_SHA384}\u00a0${HELLO_SHA512}`)).toEqual([]);
  });

  it.each([
    ['empty string', ''],
    ['only whitespace', ' \t\n '],
    ['unknown algorithm', 'md5-XrY7u+Ae7tCTyyK7j1rNww=='],
    ['sha1 (refused by the spec)', 'sha1-qZk+NkcGgWq6PiVxeFDCbJzQ2J0='],
    ['hyphenated name (Chromium-only alias, not in the spec set)', `sha-256-${SHA256_ABC_B64}`],
    ['algorithm without a value', 'sha256'],
    ['algorithm with an empty value', 'sha256-'],
    ['characters outside base64', 'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0!'],
    ['a sha256-length digest under sha384', `sha384-${SHA256_ABC_B64}`],
    ['a digest one byte short (31 bytes)', `sha256-${'A'.repeat(42)}==`],
    ['a digest too long', `sha256-${SHA256_ABC_B64.slice(0, -1)}AAAA`],
    ['a prefix glued to the token', `xsha256-${SHA256_ABC_B64}`],
    ['U+017F, whose Unicode uppercase is "S" (only ASCII case folds)', `\u017fha256-${SHA256_ABC_B64}`],
  ])('ignores %s', (_label, metadata) => {
    expect(parseSri(metadata)).toEqual([]);
  });

  it('matches algorithm names ASCII case-insensitively and returns them lowercase (SRI #126)', () => {
    expect(summary(`SHA256-${SHA256_ABC_B64} Sha512-${HELLO_SHA512.slice(7)}`)).toEqual([
      `sha256-${SHA256_ABC_B64}`,
      HELLO_SHA512,
    ]);
  });

  it('accepts base64url and unpadded values and normalises them to padded base64', () => {
    expect(summary(`sha256-${SHA256_ABC_B64URL}`)).toEqual([`sha256-${SHA256_ABC_B64}`]);
    expect(summary(`sha256-${SHA256_ABC_B64.slice(0, -1)}`)).toEqual([`sha256-${SHA256_ABC_B64}`]);
    expect(parseSri(`sha256-${SHA256_ABC_B64URL}`)[0]?.digest).toEqual(SHA256_ABC);
  });

  it('ignores options after "?" but keeps the hash', () => {
    expect(summary(`${HELLO_SHA384}?ct=application/javascript`)).toEqual([HELLO_SHA384]);
    expect(summary(`${HELLO_SHA384}?a?b?`)).toEqual([HELLO_SHA384]);
    expect(summary(`${HELLO_SHA384}?`)).toEqual([HELLO_SHA384]);
  });

  it('keeps good tokens around bad ones', () => {
    expect(summary(`foo ${FRAMEWORK_A} sha384-short md5-x ${FRAMEWORK_B}`)).toEqual([FRAMEWORK_A, FRAMEWORK_B]);
  });
});

describe('strongest', () => {
  it('returns every entry of the strongest algorithm present, in order', () => {
    const entries = parseSri(`sha256-${SHA256_ABC_B64} ${FRAMEWORK_A} ${HELLO_SHA512} ${FRAMEWORK_B}`);
    expect(strongest(entries).map((e) => e.algorithm)).toEqual(['sha512']);
    const noSha512 = parseSri(`${FRAMEWORK_A} sha256-${SHA256_ABC_B64} ${FRAMEWORK_B}`);
    expect(strongest(noSha512).map((e) => `${e.algorithm}-${e.base64}`)).toEqual([FRAMEWORK_A, FRAMEWORK_B]);
  });

  it('orders sha512 > sha384 > sha256 regardless of input order', () => {
    expect(strongest([{ algorithm: 'sha384' }, { algorithm: 'sha256' }])).toEqual([{ algorithm: 'sha384' }]);
    expect(strongest([{ algorithm: 'sha256' }, { algorithm: 'sha256' }])).toHaveLength(2);
    expect(strongest([])).toEqual([]);
  });
});

describe('parseSri of known digests', () => {
  it.each([
    ['sha256', SHA256_ABC, `sha256-${SHA256_ABC_B64}`],
    ['sha256', SHA256_EMPTY, 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='],
    [
      'sha384',
      SHA384_ABC,
      'sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn',
    ],
    [
      'sha512',
      SHA512_ABC,
      'sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==',
    ],
  ] as const)('%s digest <- %s', (algorithm, digest, token) => {
    expect(parseSri(token)[0]).toMatchObject({ algorithm, digest });
  });
});

describe('bytesMatchSri', () => {
  const hello = utf8(HELLO_SCRIPT);

  it('matches the spec example with either of its hashes', async () => {
    expect(await bytesMatchSri(hello, HELLO_SHA384)).toBe(true);
    expect(await bytesMatchSri(hello, HELLO_SHA512)).toBe(true);
    expect(await bytesMatchSri(utf8("alert('Hello, world!');"), HELLO_SHA384)).toBe(false);
  });

  it('treats metadata with no valid algorithm as "no integrity check" (true)', async () => {
    expect(await bytesMatchSri(hello, '')).toBe(true);
    expect(await bytesMatchSri(hello, 'md5-XrY7u+Ae7tCTyyK7j1rNww== sha1-abc')).toBe(true);
  });

  it('checks only the strongest algorithm: a right sha256 does not rescue a wrong sha512', async () => {
    const wrongSha512 = `sha512-${'A'.repeat(86)}==`;
    expect(await bytesMatchSri(utf8('abc'), `sha256-${SHA256_ABC_B64} ${wrongSha512}`)).toBe(false);
    expect(await bytesMatchSri(hello, `sha256-${SHA256_ABC_B64} ${HELLO_SHA512}`)).toBe(true);
  });

  it('accepts when ANY of several strongest hashes matches (spec §3.3.5 agility)', async () => {
    expect(await bytesMatchSri(hello, `${FRAMEWORK_A} ${HELLO_SHA384} ${FRAMEWORK_B}`)).toBe(true);
    expect(await bytesMatchSri(hello, `${FRAMEWORK_A} ${FRAMEWORK_B}`)).toBe(false);
  });

  it('lets a garbled value of the strongest algorithm block a weaker valid hash, as the spec does', async () => {
    const metadata = `sha512-garbage sha256-${SHA256_ABC_B64}`;
    expect(parseSri(metadata).map((e) => e.algorithm)).toEqual(['sha256']);
    expect(await bytesMatchSri(utf8('abc'), metadata)).toBe(false);
    expect(await bytesMatchSri(utf8('abc'), 'sha256')).toBe(false);
  });

  it('matches base64url and unpadded spellings of the right digest', async () => {
    expect(await bytesMatchSri(utf8('abc'), `sha256-${SHA256_ABC_B64URL}`)).toBe(true);
    expect(await bytesMatchSri(utf8('abc'), `SHA256-${SHA256_ABC_B64.slice(0, -1)}?opt`)).toBe(true);
  });
});
