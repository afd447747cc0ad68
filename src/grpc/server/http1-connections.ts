import type net from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { HeaderList } from '../../http2/index.js';
import { Http1ServerConnection, type Http1Observer, type Http1ServerOptions } from '../../http1-connection/index.js';
import type { CallStream } from '../call/index.js';
import { Http1Exchange } from './http1-exchange.js';

/**
 * The server's HTTP/1.1 connections (src/http1-connection): each request becomes an Http1Exchange that the protocol
 * router serves like an HTTP/2 stream (gRPC-Web, Connect, CORS preflights; gRPC itself needs HTTP/2). Kept so that
 * shutdown can close them after their current response, and forceShutdown at once.
 */
export class Http1Connections {
  private readonly open = new Set<Http1ServerConnection>();

  constructor(
    private readonly options: Http1ServerOptions,
    private readonly route: (stream: CallStream, headers: HeaderList, peer: string) => void,
    private readonly closed: () => void,
    private readonly observe?: (socket: net.Socket) => Http1Observer | undefined,
  ) {}

  get size(): number {
    return this.open.size;
  }

  serve(socket: net.Socket, closing: boolean): void {
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    const secure = (socket as TLSSocket).encrypted === true;
    const connection = new Http1ServerConnection(socket, (request, response) => {
      const exchange = new Http1Exchange(request, response, socket, secure);
      this.route(exchange, exchange.headers, peer);
    }, this.observe ? { ...this.options, observer: this.observe(socket) } : this.options);
    this.open.add(connection);
    void connection.closed.then(() => {
      this.open.delete(connection);
      this.closed();
    });
    if (closing) connection.close();
  }

  /** Each connection ends after the response it is writing (RFC 9112 §9.6: `connection: close`). */
  close(): void {
    for (const connection of this.open) connection.close();
  }

  destroy(): void {
    for (const connection of this.open) connection.socket.destroy();
  }
}
