// A minimal HTTP/1.1 client connection over a node:net Socket (RFC 9112): one request at a time on a kept-alive
// connection; the response is read whole, with its trailers. Enough for tests, tools and a gRPC-Web client.
//
//   const client = new Http1ClientConnection(socket, limits?, observer?)   // observer: ./observer.ts (tracing)
//   const response = await client.request('POST', '/path', [['host', 'x'], ...], body?)  // body: Uint8Array | AsyncIterable
//   response.status, response.headers, response.body (Buffer), response.trailers, response.keepAlive
import type { Socket } from 'node:net';
import type { Http1Observer } from './observer.js';
import { encodeChunk, encodeLastChunk, Http1Error, Http1Parser, serializeRequestHead, type Http1Fields, type Http1Limits, type ResponseHead } from '../http1/index.js';

export interface Http1Response {
  status: number;
  headers: Http1Fields;
  body: Buffer;
  trailers: Http1Fields;
  keepAlive: boolean;
}

export class Http1ClientConnection {
  private readonly parser: Http1Parser<'response'>;
  private pending: { resolve: (r: Http1Response) => void; reject: (e: Error) => void; head?: ResponseHead; parts: Buffer[]; trailers: Http1Fields } | undefined;
  private reusable = true;

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

  /** Sends one request (chunked when the body is an iterable, Content-Length when bytes) and reads its response. */
  async request(method: string, target: string, fields: Http1Fields, body?: Uint8Array | AsyncIterable<Uint8Array>, trailers: Http1Fields = []): Promise<Http1Response> {
    if (this.pending) throw new Error('Http1ClientConnection: one request at a time');
    if (!this.reusable || this.socket.destroyed) throw new Error('Http1ClientConnection: the connection is closed');
    const done = new Promise<Http1Response>((resolve, reject) => (this.pending = { resolve, reject, parts: [], trailers: [] }));
    this.parser.expectHeadResponse(method === 'HEAD');
    const chunked = body !== undefined && !(body instanceof Uint8Array);
    const head: Http1Fields = [...fields];
    if (chunked) head.push(['transfer-encoding', 'chunked']);
    else if (body !== undefined || method === 'POST' || method === 'PUT') head.push(['content-length', String(body?.length ?? 0)]);
    this.send(serializeRequestHead(method, target, head));
    if (body instanceof Uint8Array) this.send(body);
    else if (chunked) {
      for await (const part of body) {
        for (const piece of encodeChunk(part)) this.send(piece);
      }
      this.send(encodeLastChunk(trailers));
    }
    return done;
  }

  /** Writes octets to the socket, and tells the observer (tracing) when there is one. */
  private send(octets: Uint8Array): void {
    if (this.observer !== undefined) this.observer.http1?.('out', octets);
    this.socket.write(octets);
  }

  close(): void {
    this.socket.end();
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
    const p = this.pending;
    if (!p) throw new Http1Error(400, 'a response without a request');
    if (event.type === 'head') p.head = event.head;
    else if (event.type === 'data') p.parts.push(event.data);
    else if (event.type === 'trailers') p.trailers = event.fields;
    else if (p.head!.status >= 200) {
      this.pending = undefined;
      this.reusable = event.keepAlive;
      if (!event.keepAlive) this.socket.end();
      p.resolve({ status: p.head!.status, headers: p.head!.fields, body: Buffer.concat(p.parts), trailers: p.trailers, keepAlive: event.keepAlive });
    }
  }

  private fail(error: Error): void {
    this.reusable = false;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(error);
  }
}
