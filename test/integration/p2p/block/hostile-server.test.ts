/**
 * A client against servers that lie: each test installs a raw handler for the block protocol
 * on the "hostile" node and checks that fetchBlock fails the right way, fast, without
 * reading more than it must.
 */
import type { Libp2p, Stream } from '@libp2p/interface';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BLOCK_PROTOCOL,
  BlockIntegrityError,
  BlockProtocolError,
  BlockResetError,
  BlockStallError,
  BlockTimeoutError,
  BlockTooLargeError,
  encodeResponseHeader,
  fetchBlock,
  isPeerFault,
} from '../../../../src/p2p/block/index.ts';
import { bytesOf, delay, keyOf, sendAll, startNode } from './nodes.ts';

let hostile: Libp2p;
let client: Libp2p;
let behaviour: (stream: Stream) => Promise<void> = async () => {};

beforeAll(async () => {
  [hostile, client] = await Promise.all([startNode(), startNode()]);
  await hostile.handle(BLOCK_PROTOCOL, async (stream) => {
    try {
      await behaviour(stream);
    } catch {
      // The client hung up on us: that is what these tests expect.
    }
  });
  await client.dial(hostile.getMultiaddrs()[0]!);
});

afterAll(async () => {
  await Promise.all([hostile?.stop(), client?.stop()]);
});

const found = (length: number) => encodeResponseHeader({ status: 'found', length });
const KEY = keyOf(bytesOf(1000, 1));

/** Run fetchBlock against the current behaviour; resolve with its error and how long it took. */
async function failure(opts: { maxBytes?: number; stallMs?: number; timeoutMs?: number; signal?: AbortSignal } = {}) {
  const started = performance.now();
  try {
    const result = await fetchBlock(client, hostile.peerId, await KEY, { maxBytes: 1_000_000, stallMs: 2000, timeoutMs: 5000, ...opts });
    throw new Error(`expected a failure, got ${result.status}`);
  } catch (error) {
    return { error: error as Error, ms: performance.now() - started };
  }
}

/** Keep the stream open without sending, until the client gives up (bounded). */
async function hold(stream: Stream, ms = 4000): Promise<void> {
  for (let waited = 0; waited < ms && stream.status === 'open'; waited += 50) await delay(50);
}

describe('fetchBlock against a hostile server', () => {
  it('wrong bytes: integrity error, a peer fault', async () => {
    behaviour = async (stream) => {
      await sendAll(stream, found(1000));
      await sendAll(stream, bytesOf(1000, 2));
      await stream.close();
    };
    const { error } = await failure();
    expect(error).toBeInstanceOf(BlockIntegrityError);
    expect(isPeerFault(error)).toBe(true);
  });

  it('truncated body (clean close after 500 of 1000 bytes): protocol error, a peer fault', async () => {
    behaviour = async (stream) => {
      await sendAll(stream, found(1000));
      await sendAll(stream, bytesOf(1000, 1).subarray(0, 500));
      await stream.close();
    };
    const { error } = await failure();
    expect(error).toBeInstanceOf(BlockProtocolError);
    expect(error.message).toMatch(/Truncated/);
    expect(isPeerFault(error)).toBe(true);
  });

  it.each([
    ['one byte over maxBytes', 1_000_001],
    ['a 9-byte varint near 2^53', Number.MAX_SAFE_INTEGER],
  ])('oversized announced length (%s): refused at once, before any body byte', async (_name, length) => {
    // The body would come only after a second: failing sooner proves nothing of it was awaited.
    behaviour = async (stream) => {
      await sendAll(stream, found(length));
      await hold(stream, 1000);
      if (stream.status === 'open') await sendAll(stream, bytesOf(1000, 1));
    };
    const { error, ms } = await failure({ stallMs: 3000 });
    expect(error).toBeInstanceOf(BlockTooLargeError);
    expect((error as BlockTooLargeError).announced).toBe(length);
    expect(isPeerFault(error)).toBe(false);
    expect(ms).toBeLessThan(900);
  });

  it('overrun in the same write: protocol error, a peer fault', async () => {
    const right = bytesOf(1000, 1);
    behaviour = async (stream) => {
      await sendAll(stream, found(1000));
      await sendAll(stream, new Uint8Array([...right, ...bytesOf(5000, 3)]));
      await stream.close();
    };
    const { error } = await failure();
    expect(error).toBeInstanceOf(BlockProtocolError);
    expect(error.message).toMatch(/Overrun/);
    expect(isPeerFault(error)).toBe(true);
  });

  it('overrun in the write that carries the header: protocol error, a peer fault', async () => {
    behaviour = async (stream) => {
      await sendAll(stream, new Uint8Array([...found(1000), ...bytesOf(1000, 1), 0]));
      await stream.close();
    };
    const { error } = await failure();
    expect(error).toBeInstanceOf(BlockProtocolError);
    expect(error.message).toMatch(/Overrun/);
    expect(isPeerFault(error)).toBe(true);
  });

  it('overrun after the right bytes, in a later write: protocol error, not accepted', async () => {
    const right = bytesOf(1000, 1);
    behaviour = async (stream) => {
      await sendAll(stream, found(1000));
      await sendAll(stream, right);
      await delay(100);
      await sendAll(stream, Uint8Array.of(1));
      await stream.close();
    };
    const { error } = await failure();
    expect(error).toBeInstanceOf(BlockProtocolError);
    expect(error.message).toMatch(/Overrun/);
  });

  it('slow drip (a byte per 600 ms, stallMs 250): stall error within stallMs', async () => {
    behaviour = async (stream) => {
      await sendAll(stream, found(1000));
      for (let i = 0; i < 10 && stream.status === 'open'; i++) {
        await delay(600);
        await sendAll(stream, Uint8Array.of(i));
      }
    };
    const { error, ms } = await failure({ stallMs: 250 });
    expect(error).toBeInstanceOf(BlockStallError);
    expect(isPeerFault(error)).toBe(false);
    expect(ms).toBeGreaterThanOrEqual(240);
    expect(ms).toBeLessThan(250 + 500);
  });

  it('a drip just fast enough to dodge the stall timer still ends at timeoutMs', async () => {
    behaviour = async (stream) => {
      await sendAll(stream, found(1000));
      for (let i = 0; i < 40 && stream.status === 'open'; i++) {
        await delay(50);
        await sendAll(stream, Uint8Array.of(i));
      }
    };
    const { error, ms } = await failure({ stallMs: 400, timeoutMs: 800 });
    expect(error).toBeInstanceOf(BlockTimeoutError);
    expect(ms).toBeGreaterThanOrEqual(780);
    expect(ms).toBeLessThan(800 + 500);
  });

  it('a server that never answers: stall error', async () => {
    behaviour = (stream) => hold(stream);
    const { error, ms } = await failure({ stallMs: 300 });
    expect(error).toBeInstanceOf(BlockStallError);
    expect(ms).toBeLessThan(300 + 500);
  });

  it.each([
    ['an unknown status byte', Uint8Array.of(7)],
    ['a length varint longer than 9 bytes', Uint8Array.of(0, ...new Array(10).fill(0xff), 1)],
    ['a length varint that is not minimal', Uint8Array.of(0, 0x80, 0x00)],
    ['bytes after not-found', Uint8Array.of(1, 0)],
    ['bytes after refused', Uint8Array.of(2, 2, 2)],
    ['nothing at all', new Uint8Array(0)],
    ['a header cut inside its varint', Uint8Array.of(0, 0x80)],
  ])('garbage (%s): protocol error, a peer fault', async (_name, frame) => {
    behaviour = async (stream) => {
      if (frame.length > 0) await sendAll(stream, frame);
      await stream.close();
    };
    const { error } = await failure();
    expect(error).toBeInstanceOf(BlockProtocolError);
    expect(isPeerFault(error)).toBe(true);
  });

  it('bytes after a refusal, in a later write: protocol error', async () => {
    behaviour = async (stream) => {
      await sendAll(stream, Uint8Array.of(2));
      await delay(100);
      await sendAll(stream, Uint8Array.of(0));
      await stream.close();
    };
    const { error } = await failure();
    expect(error).toBeInstanceOf(BlockProtocolError);
  });

  it('a reset in the middle of the body: reset error, not a peer fault', async () => {
    behaviour = async (stream) => {
      await sendAll(stream, found(1000));
      await sendAll(stream, bytesOf(10, 1));
      await delay(50);
      stream.abort(new Error('server crashed'));
    };
    const { error } = await failure();
    expect(error).toBeInstanceOf(BlockResetError);
    expect(isPeerFault(error)).toBe(false);
  });

  it("the caller's signal aborts a transfer in progress with the caller's reason", async () => {
    behaviour = async (stream) => {
      await sendAll(stream, found(1000));
      await hold(stream);
    };
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('navigated away')), 100);
    const { error, ms } = await failure({ signal: controller.signal });
    expect(error.message).toBe('navigated away');
    expect(ms).toBeLessThan(1000);
  });

  it('an honest answer in odd pieces (header with the first bytes, then 1 to 97 bytes a write): accepted intact', async () => {
    const bytes = bytesOf(1000, 1);
    behaviour = async (stream) => {
      await sendAll(stream, new Uint8Array([...found(bytes.length), ...bytes.subarray(0, 3)]));
      for (let at = 3, n = 1; at < bytes.length; at += n, n = (n * 7) % 97 || 1) await sendAll(stream, bytes.subarray(at, at + n));
      await stream.close();
    };
    expect(await fetchBlock(client, hostile.peerId, await KEY, { maxBytes: 1000 })).toEqual({ status: 'found', bytes });
  });

  it('the client still works against an honest answer afterwards', async () => {
    const bytes = bytesOf(1000, 1);
    behaviour = async (stream) => {
      await sendAll(stream, found(bytes.length));
      await sendAll(stream, bytes);
      await stream.close();
    };
    expect(await fetchBlock(client, hostile.peerId, await KEY, { maxBytes: 1000 })).toEqual({ status: 'found', bytes });
  });
});
