import { PassThrough } from 'node:stream';
import type { FastifyReply } from 'fastify';

/** What an EventSource-style client waits before reconnecting after the stream drops, in ms. */
const RETRY_MS = 2000;

/**
 * One open `text/event-stream` answer: events, the keep-alive comment, and one place where everything it
 * holds (its subscription, its timers) is let go, whether the server ends it or the client goes away.
 * The body is a stream handed to `reply.send`, not a hijacked socket, so the answer keeps the headers,
 * hooks and metrics every other route has.
 */
export class EventStream {
  readonly body = new PassThrough();
  private readonly keepAlive: NodeJS.Timeout;
  private readonly cleanups: Array<() => void> = [];
  private ended = false;

  /** `tick` runs with every keep-alive (the routes check there that the stream's API key still holds). */
  constructor(reply: FastifyReply, keepAliveMs: number, tick?: (stream: EventStream) => void) {
    reply.header('content-type', 'text/event-stream; charset=utf-8');
    // Proxies that buffer answers (nginx) would hold events back; this asks them not to.
    reply.header('x-accel-buffering', 'no');
    // The response closes when the client disconnects, or after the server ended the body.
    reply.raw.on('close', () => this.end());
    // A first line at once: the client knows the stream is open before the first event.
    this.body.write(`retry: ${RETRY_MS}\n\n`);
    this.keepAlive = setInterval(() => {
      this.write(': keep-alive\n\n');
      tick?.(this);
    }, keepAliveMs);
    this.keepAlive.unref();
  }

  get open(): boolean {
    return !this.ended;
  }

  /** `json` is the event's data as JSON text, on one line as JSON.stringify writes it (never a raw newline). */
  event(name: string, id: number, json: string): void {
    this.write(`id: ${id}\nevent: ${name}\ndata: ${json}\n\n`);
  }

  /** Runs when the stream ends, however it ends; at once if it already has. */
  onEnd(cleanup: () => void): void {
    if (this.ended) cleanup();
    else this.cleanups.push(cleanup);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.keepAlive);
    for (const cleanup of this.cleanups.splice(0)) {
      try {
        cleanup();
      } catch {
        // one failing cleanup must not keep the others from running
      }
    }
    this.body.end();
  }

  private write(text: string): void {
    if (!this.ended) this.body.write(text);
  }
}
