import type { Duplex } from 'node:stream';

/**
 * Collects encoded frames and hands them to the socket once per turn of the event loop: small frames are joined
 * into one buffer, large payloads go as they are (corked together, so the socket issues one writev).
 */
export class FrameWriter {
  private queue: Uint8Array[] = [];
  private queued = 0;
  private scheduled = false;
  /** The socket's buffer is full (write returned false) until 'drain'. */
  blocked = false;

  constructor(
    private readonly socket: Duplex,
    private readonly onDrain: () => void,
  ) {
    socket.on('drain', () => {
      this.blocked = false;
      this.onDrain();
    });
  }

  /** Octets queued and not yet given to the socket. */
  get queuedBytes(): number {
    return this.queued;
  }

  push(bytes: Uint8Array): void {
    this.queue.push(bytes);
    this.queued += bytes.length;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Writes everything queued now (also used before closing the socket). */
  readonly flush = (): void => {
    this.scheduled = false;
    const queue = this.queue;
    if (queue.length === 0 || this.socket.destroyed) return;
    this.queue = [];
    const total = this.queued;
    this.queued = 0;
    let ok: boolean;
    if (queue.length === 1) {
      ok = this.socket.write(queue[0]!);
    } else if (total <= 65536) {
      ok = this.socket.write(Buffer.concat(queue, total));
    } else {
      this.socket.cork();
      ok = true;
      for (const bytes of queue) ok = this.socket.write(bytes);
      this.socket.uncork();
    }
    if (!ok) this.blocked = true;
  };
}
