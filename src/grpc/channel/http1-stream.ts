import { CONNECTION_LOST, type HeaderList } from '../../http2/index.js';
import type { Http1ClientConnection, Http1Exchange, Http1ResponseHandler } from '../../http1-connection/index.js';
import type { ClientStream, ClientStreamHandler } from '../call/index.js';

/** Octets a stream queues before write() says wait, as an HTTP/2 stream's default high-water mark. */
const HIGH_WATER_MARK = 64 * 1024;
/** Response octets given to the call and not yet consumed before the socket stops being read (the "window"). */
const READ_WINDOW = 256 * 1024;

/**
 * One HTTP/1.1 exchange dressed as an HTTP/2 stream for a client call (RFC 9112 beside RFC 9113 §8.3): the request
 * headers' pseudo-headers become the request line and Host, the body goes chunked (or under the content-length the
 * headers name); the response's status line comes back as `:status`, its content as DATA, its trailers as a last
 * header block. Until the pool gives it a connection, what the call writes waits here.
 */
export class Http1Stream implements ClientStream, Http1ResponseHandler {
  private readonly queued: Array<[data: Uint8Array, endStream: boolean]> = [];
  private queuedBytes = 0;
  private connection: Http1ClientConnection | undefined;
  private exchange: Http1Exchange | undefined;
  private requestEnded = false;
  private responseEnded = false;
  private wasReset = false;
  private unconsumed = 0;
  private paused = false;
  private readonly drain = () => this.handler.onDrain?.(this);

  constructor(
    private readonly headers: HeaderList,
    private readonly handler: ClientStreamHandler,
  ) {}

  get closed(): boolean {
    return this.wasReset || (this.requestEnded && this.responseEnded);
  }

  get pendingBytes(): number {
    return this.connection ? this.connection.socket.writableLength : this.queuedBytes;
  }

  get highWaterMark(): number {
    return HIGH_WATER_MARK;
  }

  /** The pool gave this stream a connection: the head goes out, then what was queued. */
  start(connection: Http1ClientConnection): void {
    if (this.wasReset) return;
    this.connection = connection;
    let method = 'POST';
    let target = '/';
    let length: number | undefined;
    const fields: HeaderList = [];
    for (const [name, value] of this.headers) {
      if (name === ':method') method = value;
      else if (name === ':path') target = value;
      else if (name === ':authority') fields.unshift(['host', value]); // RFC 9112 §3.2: Host first
      else if (name === 'content-length') length = Number(value);
      else if (name[0] !== ':' && name !== 'te' && name !== 'connection') fields.push([name, value]);
    }
    try {
      this.exchange = connection.open(method, target, fields, this, length);
    } catch (err) {
      return this.onError(err as Error);
    }
    connection.socket.on('drain', this.drain);
    const queued = this.queued.splice(0);
    this.queuedBytes = 0;
    this.requestEnded = false; // what was queued is written now, its end with it
    for (const [data, endStream] of queued) this.write(data, endStream);
    if (queued.length > 0) this.drain();
  }

  write(data: Uint8Array, endStream = false): boolean {
    if (this.wasReset || this.requestEnded) return false;
    if (!this.exchange) {
      this.queued.push([data, endStream]);
      this.queuedBytes += data.length;
      if (endStream) this.requestEnded = true;
      return this.queuedBytes < HIGH_WATER_MARK;
    }
    const room = this.exchange.write(data);
    if (endStream) this.end();
    return room;
  }

  end(): void {
    if (this.wasReset) return;
    if (!this.exchange) {
      if (!this.requestEnded) this.queued.push([new Uint8Array(0), true]);
      this.requestEnded = true;
      return;
    }
    this.requestEnded = true;
    this.exchange.end();
    if (this.closed) this.finish();
  }

  /** HTTP/1.1 has no RST_STREAM: the connection is closed (RFC 9112 §9.6), the pool makes another when asked. */
  reset(): void {
    if (this.closed) return;
    this.wasReset = true;
    this.queued.length = 0;
    this.connection?.socket.destroy();
    this.finish();
  }

  consume(length: number): void {
    this.unconsumed -= length;
    if (this.paused && this.unconsumed < READ_WINDOW / 2) {
      this.paused = false;
      this.connection?.resume();
    }
  }

  // ---- Http1ResponseHandler ---------------------------------------------------------------------------------

  onHead(status: number, fields: HeaderList): void {
    this.handler.onHeaders(this, [[':status', String(status)], ...fields], false);
  }

  onData(data: Buffer): void {
    if (this.wasReset) return;
    this.unconsumed += data.length;
    if (!this.paused && this.unconsumed > READ_WINDOW) {
      this.paused = true;
      this.connection?.pause();
    }
    this.handler.onData(this, data, false);
  }

  onEnd(trailers: HeaderList): void {
    if (this.wasReset) return;
    this.responseEnded = true;
    if (this.paused) this.connection?.resume();
    if (trailers.length > 0) this.handler.onHeaders(this, trailers, true);
    else this.handler.onData(this, new Uint8Array(0), true);
    if (this.closed) {
      this.finish();
      this.handler.onClose?.(this);
    }
  }

  onError(error: Error): void {
    if (this.closed) return;
    this.wasReset = true;
    this.finish();
    this.handler.onReset(this, CONNECTION_LOST, `HTTP/1.1 connection lost: ${error.message}`, false);
  }

  private finish(): void {
    this.connection?.socket.off('drain', this.drain);
  }
}
