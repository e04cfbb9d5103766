/**
 * Reading a libp2p 3 stream chunk by chunk with a stall timeout.
 *
 * Not the stream's own async iterator: it ends only on 'close' or 'remoteCloseWrite', and both
 * may fire before the iterator's first `next()` attaches its listeners (the remote's FIN can
 * arrive while we still await our own `close()`); the data then sits in the read buffer and the
 * iterator waits forever. The 'end' event and `readableEnded` (@libp2p/interface
 * message-stream.d.ts) cover that case, so this reader listens from construction and uses them.
 */
import type { Stream, StreamCloseEvent, StreamMessageEvent } from '@libp2p/interface';
import { BlockProtocolError, BlockStallError } from './errors.ts';

/** Options of {@link StreamReader}. */
export interface StreamReaderOptions {
  /**
   * Most bytes received but not yet read. yamux grants window on receipt, not on reading, so
   * without this a peer could queue bytes faster than we consume them; over it the stream is
   * aborted with {@link BlockProtocolError}.
   */
  readonly maxBufferedBytes?: number;
}

/** A chunk reader over one stream; call {@link StreamReader.dispose} when done. */
export class StreamReader {
  readonly #stream: Stream;
  readonly #chunks: Uint8Array[] = [];
  #error: Error | undefined;
  #ended: boolean;
  #wake: (() => void) | undefined;
  #received = 0;
  #buffered = 0;
  readonly #maxBuffered: number;

  constructor(stream: Stream, options: StreamReaderOptions = {}) {
    this.#stream = stream;
    this.#maxBuffered = options.maxBufferedBytes ?? Infinity;
    this.#ended = stream.readableEnded;
    stream.addEventListener('message', this.#onMessage);
    stream.addEventListener('end', this.#onEnd);
    stream.addEventListener('close', this.#onClose);
  }

  /** Bytes received so far (including any not yet read). */
  get received(): number {
    return this.#received;
  }

  /**
   * The next chunk, or null once the remote has closed its writable end and everything is read.
   * Throws {@link BlockStallError} when nothing arrives for `stallMs`, the stream's error
   * when it was reset or aborted, and `signal.reason` when `signal` aborts.
   */
  async read(stallMs: number, what: string, signal?: AbortSignal): Promise<Uint8Array | null> {
    for (;;) {
      const chunk = this.#chunks.shift();
      if (chunk !== undefined) {
        this.#buffered -= chunk.length;
        return chunk;
      }
      if (this.#error !== undefined) throw this.#error;
      if (this.#ended) return null;
      signal?.throwIfAborted();
      await this.#waitForEvent(stallMs, what, signal);
    }
  }

  /** Stop listening. The stream itself is left as it is. */
  dispose(): void {
    this.#stream.removeEventListener('message', this.#onMessage);
    this.#stream.removeEventListener('end', this.#onEnd);
    this.#stream.removeEventListener('close', this.#onClose);
    this.#chunks.length = 0;
    this.#buffered = 0;
    this.#notify();
  }

  #waitForEvent(stallMs: number, what: string, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = (error?: unknown): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#wake = undefined;
        if (error === undefined) resolve();
        else reject(error);
      };
      const onAbort = (): void => done(signal?.reason);
      const timer = setTimeout(() => done(new BlockStallError(stallMs, what)), stallMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#wake = () => done();
    });
  }

  #notify(): void {
    this.#wake?.();
  }

  readonly #onMessage = (event: StreamMessageEvent): void => {
    const { data } = event;
    if (data.byteLength === 0) return;
    this.#received += data.byteLength;
    this.#buffered += data.byteLength;
    if (this.#buffered > this.#maxBuffered) {
      this.#chunks.length = 0;
      this.#buffered = 0;
      this.#error = new BlockProtocolError(`Peer sent more than the ${this.#maxBuffered} bytes it may`);
      this.#stream.abort(this.#error);
    } else if (data instanceof Uint8Array) {
      this.#chunks.push(data);
    } else {
      // A Uint8ArrayList's parts, not its subarray(): that would copy every multi-part message
      // (yamux hands over the decrypted noise parts as they are), and the client copies once.
      for (const part of data) if (part.length > 0) this.#chunks.push(part);
    }
    this.#notify();
  };

  readonly #onEnd = (): void => {
    this.#ended = true;
    this.#notify();
  };

  readonly #onClose = (event: StreamCloseEvent): void => {
    if (event.error !== undefined) this.#error = event.error;
    // A clean close with nothing left to deliver is the end even if 'end' was never emitted.
    else if (this.#stream.readBufferLength === 0) this.#ended = true;
    this.#notify();
  };
}
