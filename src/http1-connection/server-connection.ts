// An HTTP/1.1 server connection over a node:net Socket (RFC 9112), on the codec of src/http1.
//
// API (for layers on top, e.g. a gRPC-Web/Connect exchange):
//   new Http1ServerConnection(socket, handler, options?)
//   handler(request: Http1Request, response: ResponseWriter): void | Promise<void>
//     request.method, request.target (path and query as sent), request.version, request.headers (Http1Fields:
//     [lowercased name, value] pairs in order), request.body (RequestBody: `for await (const chunk of body)`,
//     body.bytes(), body.trailers once ended), request.keepAlive
//     response.writeHead(status, fields)  — no content-length field means chunked content
//     response.write(chunk): boolean      — false: wait for the socket's 'drain'
//     response.end(trailers?)             — trailers go out only with chunked content
//   options: Partial<Http1Limits> (src/http1/limits.ts) plus bodyHighWaterMark (octets queued before reading stops)
//   and observer (./observer.ts: every octet in and out, for tracing)
//   The net.Server should have allowHalfOpen: true so a client that half-closes after its request still gets
//   the response.
//   connection.close(): ends the connection after the current response; 'closed' promise resolves when gone.
//
// Requests are taken one at a time (RFC 9112 §9.3.2 pipelining, bounded): once a request is complete and its
// response is outstanding, anything pipelined waits parsed in a backlog, and the socket is paused only once that
// backlog holds more than bodyHighWaterMark octets or MAX_BACKLOG_EVENTS events. The next request is taken only
// once the socket has taken the last response (no 'drain' owed): a peer that pipelines without reading would
// otherwise pile our answers up in memory; one that leaves them unread for idleTimeoutMs is closed. Reading on meanwhile is what lets
// a peer that leaves (FIN or RST) be seen while its response is still being made, so its call can be cancelled.
// Refused input gets a minimal error response with `connection: close`, then the connection ends.
import type { Socket } from 'node:net';
import { Http1Error, Http1Parser, reasonPhrase, serializeResponseHead, type Http1Event, type Http1Fields, type Http1Limits, type RequestHead } from '../http1/index.js';
import { RequestBody } from './request-body.js';
import type { Http1Observer } from './observer.js';
import { ResponseWriter } from './response-writer.js';

export interface Http1Request {
  method: string;
  target: string;
  version: '1.0' | '1.1';
  headers: Http1Fields;
  body: RequestBody;
  keepAlive: boolean;
}

export type Http1Handler = (request: Http1Request, response: ResponseWriter) => void | Promise<void>;

export interface Http1ServerOptions extends Partial<Http1Limits> {
  /** Octets of request content queued for the handler before the socket stops being read (default 64 KiB). */
  bodyHighWaterMark?: number;
  /** Told every octet in and out (tracing). Default none. */
  observer?: Http1Observer;
}

/** Parsed events of pipelined requests held at most, before the socket is paused. */
const MAX_BACKLOG_EVENTS = 64;

interface Exchange {
  body: RequestBody;
  response: ResponseWriter;
  requestEnded: boolean;
  keepAlive: boolean;
  /** The response ended first: the rest of the request is read and dropped, then the next request is taken. */
  draining: boolean;
}

export class Http1ServerConnection {
  private readonly parser: Http1Parser<'request'>;
  private readonly highWaterMark: number;
  private current: Exchange | undefined;
  private backlog: Array<Http1Event<RequestHead>> = [];
  private backlogOctets = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerKind: 'idle' | 'headers' | 'unread' | undefined;
  /** Responses wait unread in the socket's buffer: requests stay in the backlog until it drains. */
  private waitingDrain = false;
  private closing = false;
  private refused = false;
  private readonly observer: Http1Observer | undefined;
  /** Our side is closed (FIN sent or queued): the peer has lingerTimeoutMs to close its side. */
  private ended = false;
  private linger: NodeJS.Timeout | undefined;
  private lingerOctets = 0;
  readonly closed: Promise<void>;

  constructor(
    readonly socket: Socket,
    private readonly handler: Http1Handler,
    options: Http1ServerOptions = {},
  ) {
    const { bodyHighWaterMark = 64 * 1024, observer, ...limits } = options;
    this.observer = observer;
    this.parser = new Http1Parser('request', limits);
    this.highWaterMark = bodyHighWaterMark;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (data: Buffer) => this.onData(data));
    socket.on('end', () => this.onEnd());
    socket.on('error', () => {}); // the 'close' that follows cleans up
    socket.on('close', () => {
      this.clearTimer();
      if (this.linger) clearTimeout(this.linger);
      this.current?.body.fail(new Error('connection closed'));
      if (this.observer !== undefined) this.observer.closed?.();
    });
    this.armTimer();
  }

  /** Ends the connection once the current response is done (or now, if there is none). */
  close(): void {
    this.closing = true;
    if (!this.current) this.end();
  }

  private onData(data: Buffer): void {
    if (this.ended) {
      // read and dropped while the peer is given time to close; a peer that keeps sending is not closing
      this.lingerOctets += data.length;
      if (this.lingerOctets > this.parser.limits.maxBodyOctets) this.socket.destroy();
      return;
    }
    if (this.refused) return;
    if (this.observer !== undefined) this.observer.http1?.('in', data);
    let events: Array<Http1Event<RequestHead>>;
    try {
      events = this.parser.push(data);
    } catch (error) {
      return this.refuse(error as Error);
    }
    for (const event of events) this.dispatch(event);
    this.armTimer();
  }

  private onEnd(): void {
    try {
      this.parser.finish();
    } catch {
      // a request cut short: nothing to answer
    }
    // a half-closed client (allowHalfOpen servers) still gets its response; a request cut short ends its body in error
    if (!this.current) this.end();
    else if (!this.current.requestEnded) this.current.body.fail(new Error('client closed before the request ended'));
    else this.closing = true;
  }

  private dispatch(event: Http1Event<RequestHead>): void {
    const current = this.current;
    if (current?.requestEnded || this.backlog.length > 0 || this.waitingDrain) {
      this.backlog.push(event); // pipelined: waits until the response in progress ends
      if (event.type === 'data') this.backlogOctets += event.data.length;
      if (this.backlogOctets > this.highWaterMark || this.backlog.length > MAX_BACKLOG_EVENTS) this.socket.pause();
      return;
    }
    switch (event.type) {
      case 'head':
        return this.start(event.head);
      case 'data':
        if (current!.draining) return;
        current!.body.push(event.data);
        if (current!.body.full) this.socket.pause();
        return;
      case 'trailers':
        current!.body.trailers = event.fields;
        return;
      case 'end':
        current!.requestEnded = true;
        current!.body.end(current!.body.trailers);
        if (current!.draining) this.finish(current!);
    }
  }

  private start(head: RequestHead): void {
    this.clearTimer();
    const keepAlive = head.keepAlive && !this.closing;
    const body = new RequestBody(this.highWaterMark, () => {
      if (this.current?.body === body && !this.current.requestEnded) this.socket.resume();
    });
    const exchange: Exchange = { body, requestEnded: false, keepAlive, draining: false, response: undefined! };
    exchange.response = new ResponseWriter(this.socket, head.method === 'HEAD', keepAlive, () => this.finish(exchange), this.observer);
    this.current = exchange;
    const request: Http1Request = { method: head.method, target: head.target, version: head.version, headers: head.fields, body, keepAlive };
    let result: void | Promise<void>;
    try {
      result = this.handler(request, exchange.response);
    } catch (error) {
      return this.handlerFailed(exchange, error as Error);
    }
    if (result) result.catch((error: Error) => this.handlerFailed(exchange, error));
  }

  private handlerFailed(exchange: Exchange, error: Error): void {
    if (exchange.response.finished) return;
    if (exchange.response.headersSent) {
      this.socket.destroy(error); // a half-sent response cannot be repaired
      return;
    }
    exchange.keepAlive = false;
    this.end(this.told(serializeResponseHead(500, [['content-length', '0'], ['connection', 'close']])));
  }

  /** The response ended: close, or take the next request once the socket has taken the response. */
  private finish(exchange: Exchange): void {
    if (this.current !== exchange) return;
    if (!exchange.keepAlive || this.closing) {
      this.end();
      return;
    }
    if (!exchange.requestEnded) {
      // answered before the request's content was all read (an early error, or the last chunk not here yet): the
      // client may reuse the connection, so the rest is read and dropped, as Node's own HTTP server does, within
      // headersTimeoutMs; past it the connection closes (RFC 9112 §9.6)
      if (exchange.draining) return;
      exchange.draining = true;
      exchange.body.fail(new Error('the response ended before the request'));
      this.socket.resume();
      this.clearTimer();
      this.timer = setTimeout(() => this.end(), this.parser.limits.headersTimeoutMs);
      this.timer.unref();
      return;
    }
    this.clearTimer();
    this.current = undefined;
    if (this.socket.writableNeedDrain) return this.awaitDrain();
    this.takeNext();
  }

  /** The peer has not read what we wrote: nothing more is read or answered until it does, idleTimeoutMs at most. */
  private awaitDrain(): void {
    this.waitingDrain = true;
    this.socket.pause();
    const ms = this.parser.limits.idleTimeoutMs;
    this.timerKind = 'unread';
    this.timer = setTimeout(() => this.socket.destroy(), ms); // end() would wait behind the unread octets
    this.timer.unref();
    this.socket.once('drain', () => {
      this.waitingDrain = false;
      this.clearTimer();
      if (!this.socket.destroyed) this.takeNext();
    });
  }

  /** Takes the next request: from the backlog first, then the socket. */
  private takeNext(): void {
    const backlog = this.backlog;
    this.backlog = [];
    this.backlogOctets = 0;
    for (const event of backlog) this.dispatch(event);
    const next = this.current as Exchange | undefined; // set again by a pipelined head, if any
    const held = this.backlogOctets > this.highWaterMark || this.backlog.length > MAX_BACKLOG_EVENTS;
    if (!held && !next?.body.full) this.socket.resume();
    this.armTimer();
  }

  /** A minimal HTTP/1.1 error response, then close (RFC 9112 §11.2: the framing can no longer be trusted). */
  private refuse(error: Error): void {
    if (this.refused) return;
    this.refused = true;
    const status = error instanceof Http1Error ? error.status : 400;
    this.current?.body.fail(error);
    if (this.current?.response.headersSent) {
      this.socket.destroy();
      return;
    }
    const text = Buffer.from(`${error.message}\n`, 'latin1');
    this.end(this.told(Buffer.concat([
      serializeResponseHead(status, [['content-type', 'text/plain'], ['content-length', String(text.length)], ['connection', 'close']], reasonPhrase(status)),
      text,
    ])));
    this.socket.resume(); // what follows is read and dropped, so the peer's close is seen
    this.clearTimer();
  }

  /**
   * RFC 9112 §9.6: closes our side once what is written has gone (FIN), and reads on so the peer's close is seen; a
   * peer that keeps its side open lingerTimeoutMs longer (never answering our FIN), or sends more than maxBodyOctets
   * meanwhile, is cut off.
   */
  private end(last?: Uint8Array): void {
    if (this.ended) return;
    this.ended = true;
    if (last) this.socket.end(last);
    else this.socket.end();
    this.linger = setTimeout(() => this.socket.destroy(), this.parser.limits.lingerTimeoutMs);
    this.linger.unref();
  }

  /** Octets about to be written, told to the observer first (tracing). */
  private told(octets: Buffer): Buffer {
    if (this.observer !== undefined) this.observer.http1?.('out', octets);
    return octets;
  }

  /** Idle between requests (idleTimeoutMs), or a head begun but not finished (headersTimeoutMs, answered 408). */
  private armTimer(): void {
    // the 'unread' timer, or the one bounding the rest of a request answered early: more octets do not restart them
    if (this.waitingDrain || this.current?.draining) return;
    if (this.socket.destroyed || this.refused || this.current) return this.clearTimer(); // a handler's time is its own
    const kind = this.parser.idle ? 'idle' : 'headers';
    if (this.timerKind === kind) return;
    this.clearTimer();
    const ms = kind === 'idle' ? this.parser.limits.idleTimeoutMs : this.parser.limits.headersTimeoutMs;
    this.timerKind = kind;
    this.timer = setTimeout(() => {
      if (kind === 'idle') this.end();
      else this.refuse(new Http1Error(408, `request head not received within ${ms} ms`, 'headersTimeoutMs'));
    }, ms);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerKind = undefined;
  }
}
