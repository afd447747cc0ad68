import type { Socket } from 'node:net';
import { ErrorCode } from '../../frames/index.js';
import { headerValue, type HeaderList } from '../../http2/index.js';
import type { Http1Request, RequestBody, ResponseWriter } from '../../http1-connection/index.js';
import { type CallStream, type CallStreamHandler, DISCARD } from '../call/index.js';

/** RFC 9110 §7.6.1: fields about this one connection, which a call never sees (HTTP/2 has none of them). */
const CONNECTION_FIELDS = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host']);
/** Request octets handed to the call and not yet consumed before the body stops being read (as HTTP/2's window). */
const RECEIVE_WINDOW = 65_535;
const EMPTY = new Uint8Array(0);
const uncork = (socket: Socket): void => socket.uncork();

/**
 * One HTTP/1.1 exchange (a request and its response) as the stream a call runs on: the request line and fields as
 * HTTP/2's pseudo-headers and fields (RFC 9113 §8.3.1), the body as DATA, the response head, content and trailers
 * written through the connection's ResponseWriter. The protocol router and the translating streams (gRPC-Web,
 * Connect) then serve it exactly as they serve an HTTP/2 stream. HTTP/1.1 has no stream reset: a call that is reset
 * before its response ends closes the connection (RFC 9112 §9.6), and a connection that closes resets the call.
 */
export class Http1Exchange implements CallStream {
  handler: CallStreamHandler = DISCARD;
  /** The request as HTTP/2 would carry it: :method, :scheme, :path, :authority, then its fields. */
  readonly headers: HeaderList;
  private requestEnded = false;
  private aborted = false;
  private unconsumed = 0;
  private wakeReader: (() => void) | undefined;

  constructor(
    request: Http1Request,
    private readonly response: ResponseWriter,
    private readonly socket: Socket,
    secure: boolean,
  ) {
    const authority = headerValue(request.headers, 'host') ?? '';
    this.headers = [[':method', request.method], [':scheme', secure ? 'https' : 'http'], [':path', request.target], [':authority', authority]];
    for (const field of request.headers) if (!CONNECTION_FIELDS.has(field[0])) this.headers.push(field);
    socket.on('drain', this.drained);
    socket.once('close', this.lost);
    void this.read(request.body);
  }

  get closed(): boolean {
    return this.aborted || this.response.finished;
  }

  get remoteClosed(): boolean {
    return this.requestEnded;
  }

  get pendingBytes(): number {
    return this.socket.writableLength;
  }

  get highWaterMark(): number {
    return this.socket.writableHighWaterMark;
  }

  sendHeaders(headers: HeaderList, endStream = false): void {
    if (this.closed) return;
    const fields = headers.filter(([name]) => name[0] !== ':');
    // a response that ends with its head has no content: say so, rather than begin a chunked body
    if (endStream && !fields.some(([name]) => name === 'content-length')) fields.push(['content-length', '0']);
    // the head and what follows in this turn (a Connect unary body, a first message) leave in one segment: a client
    // that reads the head never waits on a body sent a packet later
    this.socket.cork();
    process.nextTick(uncork, this.socket);
    this.response.writeHead(Number(headerValue(headers, ':status') ?? 200), fields);
    if (endStream) this.finish();
  }

  write(data: Uint8Array, endStream = false): boolean {
    if (this.closed) return false;
    const ok = this.response.write(data);
    if (endStream) this.finish();
    return ok;
  }

  /** Ends the response; trailers go out only on a chunked body (RFC 9112 §7.1.2), which gRPC-Web and Connect never need. */
  end(trailers: HeaderList = []): void {
    if (this.closed) return;
    this.finish(trailers);
  }

  /** RFC 9112 §9.6: no stream of its own to reset: a response cut short closes the connection. */
  reset(_code: number): void {
    if (this.closed) return;
    this.aborted = true;
    this.release();
    this.socket.destroy();
  }

  consume(length: number): void {
    this.unconsumed -= length;
    if (this.unconsumed <= RECEIVE_WINDOW && this.wakeReader) {
      const wake = this.wakeReader;
      this.wakeReader = undefined;
      wake();
    }
  }

  /** The body as DATA events, END_STREAM as an empty last one; at most RECEIVE_WINDOW octets unconsumed. */
  private async read(body: RequestBody): Promise<void> {
    try {
      for await (const chunk of body) {
        if (this.aborted) return;
        this.unconsumed += chunk.length;
        this.handler.onData(this, chunk, false);
        while (this.unconsumed > RECEIVE_WINDOW && !this.aborted) await new Promise<void>((resolve) => (this.wakeReader = resolve));
      }
    } catch {
      return; // the connection closed or refused the rest: `lost` tells the call
    }
    if (this.aborted) return;
    this.requestEnded = true;
    this.handler.onData(this, EMPTY, true);
  }

  private finish(trailers?: HeaderList): void {
    this.release();
    this.response.end(trailers?.filter(([name]) => name[0] !== ':'));
    this.handler.onClose?.(this);
  }

  private release(): void {
    this.socket.off('drain', this.drained);
    this.socket.off('close', this.lost);
    this.wakeReader?.();
  }

  private readonly drained = (): void => this.handler.onDrain?.(this);

  private readonly lost = (): void => {
    if (this.closed) return;
    this.aborted = true;
    this.release();
    this.handler.onReset(this, ErrorCode.CANCEL, 'the HTTP/1.1 connection closed before the response ended', false);
  };
}
