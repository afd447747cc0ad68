import type { Connection } from './connection.js';

/** Keepalive PINGs: how often, how long to wait for the ACK, whether with no stream open. */
export interface KeepaliveOptions {
  /** Send a PING after this long (ms). Default: no keepalive pings. */
  interval?: number;
  /** A PING not acknowledged within this long (ms) means the peer is gone: the connection is closed. Default 20000. */
  timeout?: number;
  /** Ping even with no stream open. Default false. */
  withoutStreams?: boolean;
}

/**
 * Keepalive (gRPC keepalive.md, RFC 9113 §6.7): a PING every `interval`, and the connection closed when one is not
 * acknowledged within `timeout`, so that calls on a silent peer fail instead of hanging.
 */
export class Keepalive {
  private timer: NodeJS.Timeout | undefined;
  private readonly interval: number;
  private readonly timeout: number;

  constructor(
    private readonly connection: Connection,
    private readonly options: KeepaliveOptions,
  ) {
    this.interval = options.interval ?? Infinity;
    this.timeout = options.timeout ?? 20_000;
    if (Number.isFinite(this.interval)) this.schedule();
    connection.once('close', () => clearTimeout(this.timer));
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.ping(), this.interval);
    this.timer.unref();
  }

  private ping(): void {
    if (this.connection.closed) return;
    if (!this.options.withoutStreams && this.connection.streams.size === 0) return this.schedule();
    const watchdog = setTimeout(() => {
      this.connection.destroy(new Error(`keepalive: no PING ACK within ${this.timeout} ms; the peer is unreachable`));
    }, this.timeout);
    watchdog.unref();
    this.connection.ping().then(
      () => {
        clearTimeout(watchdog);
        this.schedule();
      },
      () => clearTimeout(watchdog),
    );
  }
}
