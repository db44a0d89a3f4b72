import type { Inflation } from '../uploads/decompress.js';
import { FileRejected } from '../uploads/file-rejected.js';

// An upload's bytes, from the API thread (which reads the HTTP body, and inflates it when gzipped) to the
// staging thread that parses and stages them, with the same behaviour as reading the body in place:
// bounded (at most WINDOW chunks travel unconsumed: the client is slowed, not buffered), ended early when
// the parse stops reading (a file rejected mid-way), and failing as the body failed.

/** Chunks posted but not yet taken by the parser. With 64 KiB chunks, a quarter MiB in transit per upload. */
export const WINDOW = 4;

/** Why the body stopped: a whole-file problem found while inflating it, or the connection failing. */
export type BodyError = { kind: 'file-rejected'; code: string; message: string } | { kind: 'failed'; message: string };

export function toBodyError(error: unknown): BodyError {
  if (error instanceof FileRejected) return { kind: 'file-rejected', code: error.code, message: error.message };
  return { kind: 'failed', message: error instanceof Error ? error.message : String(error) };
}

function fromBodyError(error: BodyError): Error {
  return error.kind === 'file-rejected' ? new FileRejected(error.code, error.message) : new Error(error.message);
}

/** What travels for an upload's body, API thread -> staging thread. */
export type BodyMessage = { type: 'chunk'; chunk: Uint8Array } | { type: 'end'; inflation?: Inflation } | { type: 'body-error'; error: BodyError };

/** The staging thread's side: the body as the parser reads it. `ack` tells the API thread a chunk was taken. */
export class IncomingBody implements AsyncIterable<Buffer> {
  private readonly queue: Buffer[] = [];
  private ended = false;
  private failure: Error | undefined;
  private closed = false;
  private waiting: (() => void) | undefined;

  /** `inflation`: the upload's gzip counts, filled in when the body ends (the API thread inflated it). */
  constructor(
    private readonly ack: () => void,
    private readonly inflation: Inflation | undefined,
  ) {}

  push(chunk: Uint8Array): void {
    if (this.closed) return;
    this.queue.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.wakeUp();
  }

  end(inflation: Inflation | undefined): void {
    if (this.inflation && inflation) Object.assign(this.inflation, inflation);
    this.ended = true;
    this.wakeUp();
  }

  fail(error: BodyError): void {
    this.failure = fromBodyError(error);
    this.wakeUp();
  }

  private wakeUp(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        const chunk = this.queue.shift();
        if (chunk) {
          this.ack();
          yield chunk;
          continue;
        }
        if (this.failure) throw this.failure;
        if (this.ended) return;
        await new Promise<void>((resolve) => (this.waiting = resolve));
      }
    } finally {
      // The parser stopped reading (the file was rejected, or it ended): later chunks are dropped.
      this.closed = true;
      this.queue.length = 0;
    }
  }
}

/** The API thread's side: reads the body and posts it, WINDOW chunks ahead at most, until `stop()`. */
export class OutgoingBody {
  private unacked = 0;
  private stopped = false;
  private waiting: (() => void) | undefined;

  constructor(private readonly send: (message: BodyMessage) => void) {}

  acked(): void {
    this.unacked--;
    this.wakeUp();
  }

  /** The staging thread has answered: whatever of the body is left is not read. */
  stop(): void {
    this.stopped = true;
    this.wakeUp();
  }

  private wakeUp(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }

  async pump(body: AsyncIterable<Buffer>, inflation: Inflation | undefined): Promise<void> {
    try {
      for await (const chunk of body) {
        while (!this.stopped && this.unacked >= WINDOW) await new Promise<void>((resolve) => (this.waiting = resolve));
        if (this.stopped) return;
        this.unacked++;
        // A message carries a view's whole backing store: a slice of a larger buffer goes as a copy of itself.
        this.send({ type: 'chunk', chunk: chunk.byteLength === chunk.buffer.byteLength ? chunk : new Uint8Array(chunk) });
      }
      if (!this.stopped) this.send({ type: 'end', ...(inflation ? { inflation: { ...inflation } } : {}) });
    } catch (error) {
      if (!this.stopped) this.send({ type: 'body-error', error: toBodyError(error) });
    }
  }
}
