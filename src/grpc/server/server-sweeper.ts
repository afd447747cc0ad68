import type { Connection } from '../../http2/index.js';
import { type CallStream, Status } from '../call/index.js';
import { ErrorCode } from '../../frames/index.js';
import type { ServerCall } from './server-call.js';

/**
 * The server's time limits on idle peers, with one timer for the whole server instead of one per call or per idle
 * period (a timer, or even a clock read, per call costs a measurable share of a unary call). Every quarter of the
 * shorter limit it ends the unary and server-streaming calls whose request has not completed within requestTimeout
 * (counted from the first sweep that saw the call waiting, so it acts between the limit and half as much again), and
 * sends GOAWAY to the connections that have had no stream for maxConnectionIdle (gRPC's MAX_CONNECTION_IDLE; it acts
 * between the limit and a quarter more).
 */
export class ServerSweeper {
  private timer: NodeJS.Timeout | undefined;
  private readonly idleSince = new Map<Connection, number>();
  /** Streams answered early whose request must still end within requestTimeout, and since when (0: not yet seen). */
  private readonly unfinished = new Map<CallStream, number>();
  private readonly period: number;

  constructor(
    private readonly calls: ReadonlySet<ServerCall>,
    private readonly requestTimeout: number,
    private readonly maxConnectionIdle: number,
  ) {
    const shortest = Math.min(requestTimeout, maxConnectionIdle);
    this.period = Number.isFinite(shortest) ? Math.min(5000, Math.max(10, shortest / 4)) : 0;
  }

  /** Tracks a new connection: idle from now until its first stream. */
  watch(connection: Connection): void {
    if (this.period === 0) return;
    this.idleSince.set(connection, Date.now());
    connection.on('idle', () => this.idleSince.set(connection, Date.now()));
    connection.once('close', () => this.idleSince.delete(connection));
    this.timer ??= setInterval(() => this.sweep(), this.period).unref();
  }

  /** A request answered before it ended (RFC 9113 §8.1): its rest must come within requestTimeout, or it is reset. */
  expectEnd(stream: CallStream): void {
    if (this.period > 0 && Number.isFinite(this.requestTimeout) && !stream.remoteClosed) this.unfinished.set(stream, 0);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private sweep(): void {
    const now = Date.now();
    if (Number.isFinite(this.requestTimeout)) {
      for (const call of this.calls) if (this.requestOverdue(call, now)) call.sendStatus(Status.CANCELLED, `requestTimeout: the request did not arrive within ${this.requestTimeout} ms`);
      for (const [stream, since] of this.unfinished) {
        if (stream.remoteClosed) this.unfinished.delete(stream);
        else if (since === 0) this.unfinished.set(stream, now);
        else if (now - since >= this.requestTimeout) {
          this.unfinished.delete(stream);
          stream.reset(ErrorCode.NO_ERROR);
        }
      }
    }
    if (Number.isFinite(this.maxConnectionIdle)) {
      for (const [connection, since] of this.idleSince) {
        if (connection.streams.size === 0 && now - since >= this.maxConnectionIdle) {
          this.idleSince.delete(connection);
          connection.goaway(ErrorCode.NO_ERROR, 'max_idle');
        }
      }
    }
  }

  /**
   * A unary or server-streaming handler runs only once the whole request is in: a client that never sends it must
   * not hold the stream (and its MAX_CONCURRENT_STREAMS slot) forever. True when that request is overdue.
   */
  private requestOverdue(call: ServerCall, now: number): boolean {
    if (call.method.requestStream || call.halfClosed || call.finished) return false;
    // the clock is read here, not per call: the wait counts from the first sweep that saw it (at most a period late)
    if (call.waitingSince === 0) call.waitingSince = now;
    return now - call.waitingSince >= this.requestTimeout;
  }
}
