/** docs/PROTOCOL.md describes the bytes the code really sends. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeDigest, encodeMultihash } from '../../../../src/core/integrity/index.ts';
import {
  BLOCK_PROTOCOL,
  MAX_CHUNK_BYTES,
  MAX_REQUEST_BYTES,
  MAX_RESPONSE_HEADER_BYTES,
  encodeRequest,
  encodeResponseHeader,
} from '../../../../src/p2p/block/index.ts';
import { BINDINGS_PROTOCOL, MAX_BINDINGS, MAX_BINDINGS_BYTES, MAX_HOLDERS, MAX_URL_CHARS } from '../../../../src/p2p/bindings/index.ts';
import { MAX_BOOK_ENTRIES } from '../../../../src/node/group-bindings.ts';

const doc = readFileSync(join(import.meta.dirname, '..', '..', '..', '..', 'docs', 'PROTOCOL.md'), 'utf8');
const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0'));

describe('docs/PROTOCOL.md', () => {
  it('describes the bindings protocol with the bounds the code enforces', () => {
    expect(doc).toContain(`# \`${BINDINGS_PROTOCOL}\``);
    expect(MAX_BINDINGS).toBe(5_000);
    expect(doc).toContain('at most 5,000 records');
    expect(MAX_BINDINGS_BYTES).toBe(4 * 1024 * 1024);
    expect(doc).toContain('at most 4 MiB');
    expect(MAX_URL_CHARS).toBe(2_048);
    expect(doc).toContain('at most 2,048 characters');
    expect(MAX_HOLDERS).toBe(1_000);
    expect(doc).toContain('`holders`: 1 to 1,000');
    expect(MAX_BOOK_ENTRIES).toBe(50_000);
    expect(doc).toContain('at most 50,000 entries');
  });

  it('names the protocol id and the sizes the code uses', () => {
    expect(doc).toContain(`# \`${BLOCK_PROTOCOL}\``);
    expect(MAX_CHUNK_BYTES).toBe(64 * 1024);
    expect(doc).toContain('at most 64 KiB');
    expect(doc).toContain(`at most ${MAX_REQUEST_BYTES} bytes`);
    expect(doc).toContain(`≤ ${MAX_RESPONSE_HEADER_BYTES} bytes`);
  });

  it('gives status bytes the code writes', () => {
    for (const [status, byte] of [['found', 0], ['not found', 1], ['refused', 2]] as const) {
      expect(doc).toContain(`| \`${byte}\` ${status} |`);
    }
    expect(hex(encodeResponseHeader({ status: 'not-found' })).join(' ')).toBe('01');
    expect(doc).toContain('`01` (not found)');
    expect(doc).toContain(`\`${hex(encodeResponseHeader({ status: 'found', length: 0 })).join(' ')}\` (found, empty block)`);
    expect(doc).toContain(`\`${hex(encodeResponseHeader({ status: 'found', length: 65_537 })).join(' ')}\` + 65 537 bytes`);
  });

  it('shows a request as the code encodes it', async () => {
    const request = hex(encodeRequest(encodeMultihash('sha256', await computeDigest('sha256', new Uint8Array(0)))));
    expect(request.length).toBe(35);
    expect(doc).toContain(`\`${request.slice(0, 7).join(' ')} … ${request.slice(-2).join(' ')}\` (35 bytes)`);
  });
});
