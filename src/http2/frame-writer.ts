import type { Duplex } from 'node:stream';

/** DATA handed to the writer in one turn before the scheduler waits for the next turn (or for 'drain'). */
const WRITE_BUDGET = 1 << 20;

/** What the writer tells its connection. */
export interface WriterEvents {
  /** The socket drained: DATA may flow again. */
  drain(): void;
  /** A bound was crossed: the connection must end (the argument names the limit). */
  overflow(limit: string): void;
  /** Octets waiting crossed maxOutboundBuffer (true: stop reading the peer) or fell back under it (false). */
  pressure(high: boolean): void;
}

/**
 * Collects encoded frames and hands them to the socket once per turn of the event loop: small frames are joined
 * into one buffer, large payloads go as they are (corked together, so the socket issues one writev).
 *
 * Nothing is written while the socket's buffer is full (until 'drain'), so a peer that does not read cannot make us
 * buffer without bound (CVE-2019-9517): DATA waits in its streams under flow control, control frames we owe it are
 * counted against maxQueuedControlFrames, and past maxOutboundBuffer the connection stops reading from it.
 */
export class FrameWriter {
  private queue: Uint8Array[] = [];
  private queued = 0;
  private scheduled = false;
  /** The socket's buffer is full (write returned false) until 'drain'. */
  private stalled = false;
  private controlQueued = 0;
  private high = false;
  /** Nothing is written until release() (a server's preface waits for the client's first octets). */
  held = false;

  constructor(
    private readonly socket: Duplex,
    private readonly events: WriterEvents,
    private readonly maxQueuedControlFrames: number,
    private readonly maxOutboundBuffer: number,
  ) {
    socket.on('drain', () => {
      this.stalled = false;
      this.flush();
      this.checkPressure();
      this.events.drain();
    });
  }

  /** DATA should wait: the socket is full, or this turn's budget is spent. */
  get blocked(): boolean {
    return this.stalled || this.queued >= WRITE_BUDGET;
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

  /** A frame the peer's own frames made us owe (an ACK, a RST_STREAM): counted while the socket is not read. */
  pushControl(bytes: Uint8Array): void {
    this.push(bytes);
    if (++this.controlQueued > this.maxQueuedControlFrames) this.events.overflow('maxQueuedControlFrames');
  }

  /** Writes everything queued now, unless the socket is full; `force` writes anyway (before closing). */
  readonly flush = (force = false): void => {
    this.scheduled = false;
    const queue = this.queue;
    if (queue.length === 0 || this.socket.destroyed) return;
    if (this.held && !force) return;
    if (this.stalled && !force) return this.checkPressure();
    this.queue = [];
    const total = this.queued;
    this.queued = 0;
    this.controlQueued = 0;
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
    this.checkPressure();
    if (!ok) this.stalled = true;
    else if (total >= WRITE_BUDGET) this.events.drain(); // the socket took it all at once: no 'drain' will come
  };

  /** Writes what was held, and from now on as usual. */
  release(): void {
    this.held = false;
    this.flush();
  }

  /** RFC 9113 §10.5: past maxOutboundBuffer the peer is not reading; we stop reading it until it does. */
  private checkPressure(): void {
    const waiting = this.queued + this.socket.writableLength;
    const high = waiting > this.maxOutboundBuffer;
    if (high !== this.high) {
      this.high = high;
      this.events.pressure(high);
    }
  }
}
