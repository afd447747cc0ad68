// An HTTP/1.1 client connection over a node:net Socket (RFC 9112): one exchange at a time on a kept-alive
// connection. `open()` streams both ways: the request body is written as it comes (chunked, or under a
// Content-Length given up front) while the response's head, content and trailers are handed to a handler as they
// are parsed; `request()` is the simple form, the response read whole.
//
//   const client = new Http1ClientConnection(socket, limits?, observer?)   // observer: ./observer.ts (tracing)
//   const exchange = client.open('POST', '/path', [['host', 'x'], ...], handler, length?)  // handler: onHead, onData, onEnd, onError
//   exchange.write(chunk); exchange.end(trailers?)
//   const response = await client.request('POST', '/path', [['host', 'x'], ...], body?)  // body: Uint8Array | AsyncIterable
//   response.status, response.headers, response.body (Buffer), response.trailers, response.keepAlive
import type { Socket } from 'node:net';
import { encodeChunk, encodeLastChunk, Http1Error, Http1Parser, serializeRequestHead, type Http1Fields, type Http1Limits, type ResponseHead } from '../http1/index.js';
import type { Http1Observer } from './observer.js';

export interface Http1Response {
  status: number;
  headers: Http1Fields;
  body: Buffer;
  trailers: Http1Fields;
  keepAlive: boolean;
}

/** Told of one response as it is parsed: its final head (1xx are skipped), content views, the end, or a failure. */
export interface Http1ResponseHandler {
  onHead(status: number, fields: Http1Fields): void;
  /** A view of the socket's buffer: copy it to keep it past the call. */
  onData(data: Buffer): void;
  onEnd(trailers: Http1Fields): void;
  /** The connection failed or closed before the response ended (or the response was malformed). */
  onError(error: Error): void;
}

/** The request side of one exchange: its body, written as it comes. */
export class Http1Exchange {
  private ended = false;

  constructor(
    private readonly socket: Socket,
    /** Octets still owed under a Content-Length, or undefined when chunked. */
    private left: number | undefined,
    private readonly finished: () => void,
    private readonly observer?: Http1Observer,
  ) {}

  /** Writes octets to the socket, and tells the observer (tracing) when there is one. */
  private send(octets: Uint8Array): boolean {
    if (this.observer !== undefined) this.observer.http1?.('out', octets);
    return this.socket.write(octets);
  }

  /** True once the whole request has been written. */
  get requestEnded(): boolean {
    return this.ended;
  }

  /** Request content; false when the socket's buffer is full (wait for its 'drain'). */
  write(chunk: Uint8Array): boolean {
    if (this.ended) throw new Error('Http1Exchange: write after end');
    if (chunk.length === 0) return true;
    if (this.left === undefined) {
      let ok = true;
      for (const piece of encodeChunk(chunk)) ok = this.send(piece);
      return ok;
    }
    // RFC 9112 §6.2: more than announced would be read as the start of another request
    if (chunk.length > this.left) throw new Error(`Http1Exchange: ${chunk.length} octets over the content-length left (${this.left})`);
    this.left -= chunk.length;
    return this.send(chunk);
  }

  /** Ends the request: the last chunk with trailers when chunked (RFC 9112 §7.1.2). */
  end(trailers: Http1Fields = []): void {
    if (this.ended) return;
    this.ended = true;
    if (this.left === undefined) this.send(encodeLastChunk(trailers));
    else if (this.left > 0) this.socket.destroy(new Error(`the request ended ${this.left} octets short of its content-length`));
    this.finished();
  }
}

export class Http1ClientConnection {
  private readonly parser: Http1Parser<'response'>;
  private handler: Http1ResponseHandler | undefined;
  private exchange: Http1Exchange | undefined;
  private headSeen = false;
  private responseEnded = false;
  private reusable = true;
  private trailers: Http1Fields = [];
  /** Called when an exchange is over and the connection may take another (keep-alive), or when it closed. */
  onIdle: (() => void) | undefined;

  constructor(
    readonly socket: Socket,
    limits: Partial<Http1Limits> = {},
    private readonly observer?: Http1Observer,
  ) {
    this.parser = new Http1Parser('response', limits);
    socket.on('data', (data: Buffer) => this.onData(data));
    socket.on('end', () => this.onEnd());
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => {
      this.fail(new Error('connection closed'));
      if (this.observer !== undefined) this.observer.closed?.();
    });
  }

  /** True when a new exchange can start now: the connection is open and idle. */
  get available(): boolean {
    return this.reusable && !this.handler && !this.socket.destroyed;
  }

  /** True while the connection may still carry exchanges (now or after the current one). */
  get usable(): boolean {
    return this.reusable && !this.socket.destroyed;
  }

  /**
   * Starts one exchange: sends the head (Content-Length when `length` is given, chunked otherwise) and returns the
   * request body's writer; the response goes to the handler as it is parsed.
   */
  open(method: string, target: string, fields: Http1Fields, handler: Http1ResponseHandler, length?: number): Http1Exchange {
    if (this.handler) throw new Error('Http1ClientConnection: one request at a time');
    if (!this.available) throw new Error('Http1ClientConnection: the connection is closed');
    this.handler = handler;
    this.headSeen = false;
    this.responseEnded = false;
    this.parser.expectHeadResponse(method === 'HEAD');
    const head: Http1Fields = [...fields];
    if (length === undefined) head.push(['transfer-encoding', 'chunked']);
    else if (length > 0 || method === 'POST' || method === 'PUT') head.push(['content-length', String(length)]);
    const requestHead = serializeRequestHead(method, target, head);
    if (this.observer !== undefined) this.observer.http1?.('out', requestHead);
    this.socket.write(requestHead);
    const exchange = new Http1Exchange(this.socket, length, () => this.settle(), this.observer);
    this.exchange = exchange;
    return exchange;
  }

  /** Sends one request (chunked when the body is an iterable, Content-Length when bytes) and reads its response. */
  async request(method: string, target: string, fields: Http1Fields, body?: Uint8Array | AsyncIterable<Uint8Array>, trailers: Http1Fields = []): Promise<Http1Response> {
    if (this.handler) throw new Error('Http1ClientConnection: one request at a time');
    if (!this.available) throw new Error('Http1ClientConnection: the connection is closed');
    let status = 0;
    let headers: Http1Fields = [];
    const parts: Buffer[] = [];
    const done = new Promise<Http1Response>((resolve, reject) => {
      const handler: Http1ResponseHandler = {
        onHead: (s, f) => ((status = s), (headers = f)),
        onData: (data) => parts.push(Buffer.from(data)),
        onEnd: (t) => resolve({ status, headers, body: Buffer.concat(parts), trailers: t, keepAlive: this.reusable }),
        onError: reject,
      };
      const bytes = body instanceof Uint8Array ? body : undefined;
      const exchange = this.open(method, target, fields, handler, body === undefined ? 0 : bytes?.length);
      if (bytes) {
        exchange.write(bytes);
        exchange.end();
      } else if (body === undefined) exchange.end();
      else void (async () => {
        for await (const part of body as AsyncIterable<Uint8Array>) exchange.write(part);
        exchange.end(trailers);
      })().catch((error: Error) => this.socket.destroy(error));
    });
    return done;
  }

  close(): void {
    this.socket.end();
  }

  /** Stops reading the socket (the response's reader is behind) until resume(). */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  private onData(data: Buffer): void {
    if (this.observer !== undefined) this.observer.http1?.('in', data);
    try {
      for (const event of this.parser.push(data)) this.handle(event);
    } catch (error) {
      this.fail(error as Error);
      this.socket.destroy();
    }
  }

  private onEnd(): void {
    try {
      for (const event of this.parser.finish()) this.handle(event);
    } catch (error) {
      this.fail(error as Error);
    }
    this.reusable = false;
  }

  private handle(event: ReturnType<Http1Parser<'response'>['push']>[number]): void {
    const handler = this.handler;
    if (!handler || this.responseEnded) throw new Http1Error(400, 'a response without a request');
    if (event.type === 'head') {
      if ((event.head as ResponseHead).status < 200) return; // interim (RFC 9110 §15.2): the final one follows
      this.headSeen = true;
      handler.onHead(event.head.status, event.head.fields);
    } else if (event.type === 'data') handler.onData(event.data);
    else if (event.type === 'trailers') this.trailers = event.fields;
    else if (this.headSeen) {
      this.responseEnded = true;
      // RFC 9112 §9.6: a response that ended before its request did leaves the connection unusable
      if (!event.keepAlive || !this.exchange?.requestEnded) this.reusable = false;
      const trailers = this.trailers;
      this.trailers = [];
      handler.onEnd(trailers);
      this.settle();
    }
  }

  /** The exchange is over when both its request and its response have ended: the connection is idle again. */
  private settle(): void {
    if (!this.responseEnded || !this.exchange?.requestEnded) return;
    this.handler = undefined;
    this.exchange = undefined;
    if (!this.reusable) this.socket.end();
    this.onIdle?.();
  }

  private fail(error: Error): void {
    this.reusable = false;
    const handler = this.handler;
    const ended = this.responseEnded;
    this.handler = undefined;
    this.exchange = undefined;
    if (handler && !ended) handler.onError(error);
    this.onIdle?.();
  }
}
