import { type Connection, headerValue, type HeaderList } from '../../http2/index.js';
import { type CallStream, DISCARD, Status } from '../call/index.js';
import {
  type ConnectGet, connectGet, ConnectStream, ConnectUnaryStream, corsHeaders, GrpcStream, GrpcWebStream, grpcHeaders, HeldEvents,
  JsonCodec, preflight, type Route, routeOf, type TranslatingStream,
} from '../protocols/index.js';
import type { MethodDefinition } from '../schema/index.js';
import { trailersOnly } from './run-handler.js';
import type { ServerOptions } from './server-options.js';

/** Where a call came from: the peer's address (ServerCall.peer) and its HTTP/2 connection, if it has one; one per connection. */
export interface CallOrigin {
  readonly peer: string;
  readonly connection?: Connection;
}

/** What the router needs of its server. */
export interface RouterHost {
  readonly options: ServerOptions;
  readonly maxReceiveMessageLength: number;
  /** The method served at a path, if any. */
  method(path: string): MethodDefinition | undefined;
  startCall(stream: CallStream, headers: HeaderList, from: CallOrigin, methodOf?: (method: MethodDefinition) => MethodDefinition): void;
  /** The rest of a request answered early is read and dropped, within requestTimeout. */
  expectEnd(stream: CallStream): void;
}

/**
 * Every request that is not plain gRPC over HTTP/2: by method and content-type, gRPC with JSON, gRPC-Web, Connect
 * unary (POST and GET) and streaming, each put on a translating stream so the server's one call path serves it;
 * CORS preflights; anything else an HTTP error with a line of text saying what this port speaks.
 */
export class ProtocolRouter {
  private readonly json = new JsonCodec();

  constructor(private readonly host: RouterHost) {}

  /** Serves one request: `httpVersion` '1.1' for an HTTP/1.1 exchange, on which gRPC itself is refused. */
  route(stream: CallStream, headers: HeaderList, from: CallOrigin, httpVersion: '2' | '1.1' = '2'): void {
    const { options } = this.host;
    const method = headerValue(headers, ':method');
    const contentType = headerValue(headers, 'content-type') ?? '';
    if (method === 'OPTIONS' && options.cors) return this.answer(stream, preflight(options.cors, headers));
    let route: Route | undefined;
    let get: ConnectGet | string | undefined;
    if (method === 'POST') route = routeOf(contentType);
    else if (method === 'GET' && options.protocols?.connect !== false && (headerValue(headers, ':path') ?? '').includes('?')) {
      get = connectGet(headerValue(headers, ':path')!);
      if (typeof get === 'string') return this.plain(stream, method, 400, get);
      route = get.route;
    } else return this.plain(stream, method, 405, `method ${method} is not POST`);
    if (!route || (route.protocol === 'grpc-web' && options.protocols?.grpcWeb === false) || (route.protocol === 'connect' && options.protocols?.connect === false)) {
      return this.plain(stream, method, 415, `content-type ${JSON.stringify(contentType)} is none of the protocols served`);
    }
    // gRPC PROTOCOL-HTTP2: gRPC is HTTP/2 only (its trailers, its streams); HTTP/1.1 carries gRPC-Web and Connect
    if (route.protocol === 'grpc' && httpVersion === '1.1') {
      return this.plain(stream, method, 505, 'gRPC needs HTTP/2; over HTTP/1.1 use gRPC-Web (application/grpc-web) or Connect');
    }
    const served = this.host.method(typeof get === 'object' ? get.path : headerValue(headers, ':path')!);
    // Connect: a path that names no method is an HTTP 404, as any unknown URL (connect-go's mux)
    if (!served && route.protocol === 'connect') return this.plain(stream, method, 404, 'no such method');
    // Connect: GET only for a method without side effects, so a link or an <img> cannot call one that has them
    if (typeof get === 'object' && served && served.idempotency !== 'NO_SIDE_EFFECTS') {
      return this.plain(stream, method, 405, `${served.path} may have side effects (its idempotency_level is not NO_SIDE_EFFECTS): call it with POST`);
    }
    if (route.unary && served && (served.requestStream || served.responseStream)) {
      return this.plain(stream, method, 415, `${served.path} is a streaming method: Connect calls it with application/connect+${route.codec}`);
    }
    const request = typeof get === 'object' ? get : undefined;
    if (route.codec === 'proto' || this.json.ready) return this.start(stream, headers, from, route, request);
    // the JSON mapping loads with the first JSON request; its stream's events wait meanwhile
    const held = new HeldEvents(stream);
    this.json.load().then(
      () => this.start(stream, headers, from, route, request, held),
      (err: Error) => this.plain(stream, method, 500, `the JSON codec did not load: ${err.message}`),
    );
  }

  private start(stream: CallStream, headers: HeaderList, from: CallOrigin, route: Route, get: ConnectGet | undefined, held?: HeldEvents): void {
    const cors = corsHeaders(this.host.options.cors, headers);
    const translated = grpcHeaders(headers, route, get);
    let translating: TranslatingStream | undefined;
    if (route.protocol === 'grpc' && route.codec === 'json') translating = new GrpcStream(stream, route.contentType);
    else if (route.protocol === 'grpc-web') translating = new GrpcWebStream(stream, route.contentType, route.text, cors);
    else if (route.protocol === 'connect' && !route.unary) translating = new ConnectStream(stream, route.contentType, cors);
    else if (route.protocol === 'connect') {
      const encoding = typeof translated === 'string' ? undefined : headerValue(translated, 'grpc-encoding');
      const compressed = encoding !== undefined && encoding !== 'identity';
      translating = new ConnectUnaryStream(stream, route.codec, compressed, this.host.maxReceiveMessageLength, cors, get?.message);
    }
    const call: CallStream = translating ?? stream;
    if (typeof translated === 'string') {
      trailersOnly(call, Status.INVALID_ARGUMENT, translated);
      return;
    }
    // every JSON route translates (GrpcStream at least), so held events can be replayed as if they came now
    if (held && translating) translating.held = true;
    this.host.startCall(call, translated, from, route.codec === 'json' ? (m) => this.json.method(m) : undefined);
    if (held) {
      if (translating) translating.held = false;
      if (!held.replay(stream)) return;
    }
    translating?.start();
  }

  private answer(stream: CallStream, fields: HeaderList): void {
    stream.handler = DISCARD;
    stream.sendHeaders(fields, true);
    this.host.expectEnd(stream);
  }

  /**
   * A request none of the protocols takes (a browser's GET /, nghttp, curl) gets a normal HTTP response: the
   * status, a short text body saying what this port speaks, END_STREAM. The rest of its request is read and
   * discarded (RFC 9113 §8.1), within requestTimeout, so the stream stays accounted for until the client ends it.
   */
  private plain(stream: CallStream, method: string | undefined, status: number, reason: string): void {
    const body = Buffer.from(`This port serves gRPC, gRPC-Web and Connect (POST; Connect unary also GET): ${reason}.\n`);
    stream.handler = DISCARD;
    const fields: HeaderList = [[':status', String(status)], ['content-type', 'text/plain; charset=utf-8'], ['content-length', String(body.length)]];
    if (status === 405) fields.push(['allow', 'POST']);
    if (method === 'HEAD' || stream.closed) {
      if (!stream.closed) stream.sendHeaders(fields, true);
    } else {
      stream.sendHeaders(fields);
      stream.write(body, true);
    }
    this.host.expectEnd(stream);
  }
}
