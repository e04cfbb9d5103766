import { describe, expect, it } from 'vitest';
import { boundedDownload } from '../../../../src/extension/serving/bounded-download.ts';

// Hostile origins as a page would pick them for learning's download (issue 10, item 2).

const CHUNK = new Uint8Array(64 * 1024);

/** A body that never ends; counts what the origin was asked for and whether it was told to stop. */
function endless() {
  const origin = { sent: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      origin.sent += CHUNK.byteLength;
      c.enqueue(CHUNK);
    },
    cancel() {
      origin.cancelled = true;
    },
  });
  return { origin, body };
}

/** A body that sends one chunk, then nothing, ever (and ignores the abort signal). */
function stalled() {
  const origin = { cancelled: false };
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (!sent) c.enqueue(CHUNK);
      sent = true;
      return new Promise(() => undefined);
    },
    cancel() {
      origin.cancelled = true;
    },
  });
  return { origin, body };
}

const ok = (body: BodyInit, headers: Record<string, string> = {}): typeof fetch => async () => new Response(body, { status: 200, headers });

describe('boundedDownload', () => {
  it('gives up on a body past maxBytes and tells the origin to stop', async () => {
    const { origin, body } = endless();
    const got = await boundedDownload(ok(body), 'https://evil.test/a.js', {}, { maxBytes: 1_000_000, timeoutMs: 5_000 });
    expect(got).toEqual({ ok: false, reason: 'too-large' });
    expect(origin.cancelled).toBe(true);
    // What was read stayed near the bound (the stream's own read-ahead on top).
    expect(origin.sent).toBeLessThan(1_000_000 + 4 * CHUNK.byteLength);
  });

  it('gives up on a body that stalls, within the time bound, even when the stream ignores the abort', async () => {
    const { origin, body } = stalled();
    const t0 = Date.now();
    const got = await boundedDownload(ok(body), 'https://evil.test/a.js', {}, { maxBytes: 1_000_000, timeoutMs: 200 });
    expect(got).toEqual({ ok: false, reason: 'timeout' });
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(origin.cancelled).toBe(true);
  });

  it('gives up on headers that never come, and aborts the request', async () => {
    let signal: AbortSignal | undefined;
    const never: typeof fetch = (_u, init) => {
      signal = init?.signal ?? undefined;
      return new Promise(() => undefined);
    };
    expect(await boundedDownload(never, 'https://evil.test/a.js', {}, { maxBytes: 10, timeoutMs: 100 })).toEqual({ ok: false, reason: 'timeout' });
    expect(signal?.aborted).toBe(true);
  });

  it('refuses a declared length past maxBytes, another version, a non-200, and reads a good body whole', async () => {
    const five = new Uint8Array([1, 2, 3, 4, 5]);
    expect(await boundedDownload(ok(five, { 'content-length': '5' }), 'u', {}, { maxBytes: 4, timeoutMs: 1_000 })).toEqual({ ok: false, reason: 'too-large' });
    expect(await boundedDownload(ok(five, { etag: '"b"' }), 'u', {}, { maxBytes: 9, timeoutMs: 1_000, accept: (r) => r.headers.get('etag') === '"a"' })).toEqual({ ok: false, reason: 'refused' });
    expect(await boundedDownload(async () => new Response(five, { status: 404 }), 'u', {}, { maxBytes: 9, timeoutMs: 1_000 })).toEqual({ ok: false, reason: 'status' });
    const got = await boundedDownload(ok(five), 'u', {}, { maxBytes: 5, timeoutMs: 1_000 });
    expect(got.ok && [...got.bytes]).toEqual([1, 2, 3, 4, 5]);
  });
});
