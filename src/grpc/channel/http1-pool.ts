import type { Socket } from 'node:net';
import type { HeaderList } from '../../http2/index.js';
import { Http1ClientConnection } from '../../http1-connection/index.js';
import type { Http1Limits } from '../../http1/index.js';
import type { CallTransport, ClientStreamHandler } from '../call/index.js';
import { Http1Stream } from './http1-stream.js';

/** How a subchannel's HTTP/1.1 connections are pooled (gRPC-Web and Connect over HTTP/1.1). */
export interface Http1PoolOptions {
  /** Connections to one address at most: HTTP/1.1 carries one call at a time on each. Default 16. */
  maxConnections?: number;
  /** Calls waiting for a connection when all are busy, at most; one more fails UNAVAILABLE. Default 1024. */
  maxPending?: number;
  /** Bounds on what a server may send (src/http1/limits.ts); a response's content is unbounded by default. */
  limits?: Partial<Http1Limits>;
}

/**
 * The HTTP/1.1 connections of one subchannel, kept alive between calls (RFC 9112 §9.3): a call takes an idle
 * connection, or a new one while there are fewer than maxConnections, or waits (at most maxPending of them) for
 * one to be done. The subchannel is told when the last connection went and a new one could not be made.
 */
export class Http1Pool implements CallTransport {
  private readonly connections = new Set<Http1ClientConnection>();
  private readonly waiting: Http1Stream[] = [];
  private dialing = 0;
  private closed = false;
  private readonly maxConnections: number;
  private readonly maxPending: number;
  private readonly limits: Partial<Http1Limits>;

  constructor(
    first: Socket,
    /** Opens one more connection to the subchannel's address. */
    private readonly dial: () => Promise<Socket>,
    /** The pool cannot reach its address any more (no connection is left and dialing failed). */
    private readonly lost: (error: Error) => void,
    options: Http1PoolOptions = {},
  ) {
    this.maxConnections = options.maxConnections ?? 16;
    this.maxPending = options.maxPending ?? 1024;
    this.limits = { maxBodyOctets: Number.MAX_SAFE_INTEGER, ...options.limits };
    this.add(first);
  }

  get acceptingStreams(): boolean {
    return !this.closed;
  }

  /** How many connections are open now (for tests and observing). */
  get size(): number {
    return this.connections.size;
  }

  request(headers: HeaderList, handler: ClientStreamHandler): Http1Stream {
    if (this.closed) throw new Error('the HTTP/1.1 connection pool is closed');
    const stream = new Http1Stream(headers, handler);
    const idle = this.idle();
    if (idle) stream.start(idle);
    else if (this.waiting.length >= this.maxPending) {
      queueMicrotask(() => stream.onError(new Error(`${this.maxPending} calls already wait for a connection (limit http1.maxPending)`)));
    } else {
      this.waiting.push(stream);
      this.grow();
    }
    return stream;
  }

  /** Closes every connection once its exchange is done; new calls are refused. */
  close(): void {
    this.closed = true;
    for (const stream of this.waiting.splice(0)) stream.onError(new Error('the subchannel was shut down'));
    for (const connection of this.connections) if (connection.available) connection.close();
  }

  private idle(): Http1ClientConnection | undefined {
    for (const connection of this.connections) if (connection.available) return connection;
    return undefined;
  }

  private add(socket: Socket): Http1ClientConnection {
    const connection = new Http1ClientConnection(socket, this.limits);
    this.connections.add(connection);
    connection.onIdle = () => {
      if (!connection.usable) {
        this.connections.delete(connection);
        if (this.waiting.length > 0) this.grow();
        return;
      }
      if (this.closed) return connection.close();
      const next = this.waiting.shift();
      if (next) next.start(connection);
    };
    return connection;
  }

  /** One more connection, if the waiting calls need it and the bound allows. */
  private grow(): void {
    if (this.closed || this.connections.size + this.dialing >= this.maxConnections || this.dialing >= this.waiting.length) return;
    this.dialing++;
    this.dial().then(
      (socket) => {
        this.dialing--;
        if (this.closed) return socket.destroy();
        const connection = this.add(socket);
        const next = this.waiting.shift();
        if (next) next.start(connection);
      },
      (error: Error) => {
        this.dialing--;
        if (this.connections.size > 0 || this.dialing > 0) return; // the calls wait for a busy connection instead
        this.closed = true;
        for (const stream of this.waiting.splice(0)) stream.onError(error);
        this.lost(error);
      },
    );
  }
}
