/** Keepalive PINGs: how often, how long to wait for the ACK, whether with no stream open. */
export interface KeepaliveOptions {
  /** Send a PING after this long (ms). Default: no keepalive pings. */
  interval?: number;
  /** A PING not acknowledged within this long (ms) means the peer is gone: the connection is closed. Default 20000. */
  timeout?: number;
  /** Ping even with no stream open. Default false. */
  withoutStreams?: boolean;
}

/** What keepalive asks of its connection: one object, built once by the connection. */
export interface KeepaliveHost {
  /** Sends a PING: resolves with the round-trip time (ms), rejects if the connection closes first. */
  ping(): Promise<number>;
  /** Streams open now. */
  streamCount(): number;
  /** No ACK came in time: the peer is unreachable, the connection must close with `error`. */
  dead(error: Error): void;
}

/**
 * Keepalive (gRPC keepalive.md, RFC 9113 §6.7): a PING every `interval`, and the connection closed when one is not
 * acknowledged within `timeout`, so that calls on a silent peer fail instead of hanging. It owns its timers; the
 * connection stops it when it closes.
 */
export class Keepalive {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly interval: number;
  private readonly timeout: number;

  constructor(
    private readonly host: KeepaliveHost,
    private readonly options: KeepaliveOptions,
  ) {
    this.interval = options.interval ?? Infinity;
    this.timeout = options.timeout ?? 20_000;
    if (Number.isFinite(this.interval)) this.schedule();
  }

  /** The connection closed: no more PINGs. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.ping(), this.interval);
    this.timer.unref();
  }

  private ping(): void {
    if (this.stopped) return;
    if (!this.options.withoutStreams && this.host.streamCount() === 0) return this.schedule();
    const watchdog = setTimeout(() => {
      this.host.dead(new Error(`keepalive: no PING ACK within ${this.timeout} ms; the peer is unreachable`));
    }, this.timeout);
    watchdog.unref();
    this.host.ping().then(
      () => {
        clearTimeout(watchdog);
        this.schedule();
      },
      () => clearTimeout(watchdog),
    );
  }
}
