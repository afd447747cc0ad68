// A request's content as an async iterable with backpressure: the connection pushes the parser's data views in,
// the handler pulls them out; when more than `highWaterMark` octets wait, the connection stops reading the socket.
import type { Http1Fields } from '../http1/index.js';

export class RequestBody implements AsyncIterable<Buffer> {
  private queue: Buffer[] = [];
  private queued = 0;
  private ended = false;
  private error: Error | undefined;
  private wake: (() => void) | undefined;
  /** The trailer fields (RFC 9112 §7.1.2), set once the body has ended. */
  trailers: Http1Fields = [];

  constructor(
    private readonly highWaterMark: number,
    private readonly onDrain: () => void,
  ) {}

  /** Whether the reader is behind: the connection pauses the socket until onDrain. */
  get full(): boolean {
    return this.queued > this.highWaterMark;
  }

  push(data: Buffer): void {
    this.queue.push(data);
    this.queued += data.length;
    this.notify();
  }

  end(trailers: Http1Fields): void {
    this.trailers = trailers;
    this.ended = true;
    this.notify();
  }

  fail(error: Error): void {
    this.error ??= error;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    for (;;) {
      if (this.error) throw this.error;
      const next = this.queue.shift();
      if (next !== undefined) {
        const wasFull = this.full;
        this.queued -= next.length;
        if (wasFull && !this.full) this.onDrain();
        yield next;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** The whole content in one Buffer (for small bodies). */
  async bytes(): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const part of this) parts.push(part);
    return Buffer.concat(parts);
  }
}
