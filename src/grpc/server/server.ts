import type { Worker } from 'node:cluster';
import net from 'node:net';
import type tls from 'node:tls';
import type protobuf from 'protobufjs';
import { ErrorCode } from '../../frames/index.js';
import type { Duplex } from 'node:stream';
import { Connection, type ConnectionObserver, type ConnectionOptions, headerValue, type HeaderList, type Http2Stream } from '../../http2/index.js';
import { ACCEPT_ENCODING, type CallObservers, DeadlineTimer, DEFAULT_MAX_RECEIVE_MESSAGE_LENGTH, type Encoding, isEncoding, Metadata, MIN_COMPRESS_LENGTH, parseAcceptEncoding, parseTimeout, percentEncode, RichStatusCodec, type ServerCallObserver, Status, WithCompression } from '../call/index.js';
import { chainServer, type ServerInterceptor } from './interceptors.js';
import type { MethodDefinition, ServiceDefinition, TypedServiceDefinition } from '../schema/index.js';
import type { ServiceHandlers } from './handler-types.js';
import { healthService, HealthStatus, reflectionHandler, reflectionService, reflectionV1alphaService } from '../services/index.js';
import { ServerCall } from './server-call.js';
import { listenerAddress, listenOn } from './server-listener.js';
import { ServerSweeper } from './server-sweeper.js';
import { isWorker, listenWithWorkers } from './workers.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
/** Unary: returns (or resolves to) the response, or throws a StatusError. */
export type UnaryHandler<Req = any, Res = any> = (request: Req, call: ServerCall) => Res | Promise<Res>;
/** Server streaming: one request, the responses as an (async) iterable, e.g. an async generator. */
export type ServerStreamingHandler<Req = any, Res = any> = (request: Req, call: ServerCall) => AsyncIterable<Res> | Iterable<Res>;
/** Client streaming: the requests as an async iterable, one response. */
export type ClientStreamingHandler<Req = any, Res = any> = (requests: AsyncIterable<Req>, call: ServerCall) => Res | Promise<Res>;
/** Bidirectional: requests in, responses out, both streams. */
export type BidiStreamingHandler<Req = any, Res = any> = (requests: AsyncIterable<Req>, call: ServerCall) => AsyncIterable<Res> | Iterable<Res>;
/** A handler of any of the four kinds. */
export type Handler = UnaryHandler | ServerStreamingHandler | ClientStreamingHandler | BidiStreamingHandler;
/** The handlers addService takes for a service: typed ones for a generated service, any for a loaded one. */
export type HandlersFor<D extends ServiceDefinition> = D extends TypedServiceDefinition<infer S> ? Partial<ServiceHandlers<S>> : Record<string, Handler>;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Options of a server: the connection's, message limits, compression, TLS, health, reflection, workers, timeouts. */
export interface ServerOptions extends Omit<ConnectionOptions, 'observer'> {
  /** Largest request message accepted. Default 4 MiB. */
  maxReceiveMessageLength?: number;
  /** Largest response message sent. Default unlimited. */
  maxSendMessageLength?: number;
  /** Compress responses with this encoding when the client accepts it (gzip, deflate). Default identity. */
  compression?: Encoding;
  /** Messages shorter than this go uncompressed even under an encoding. Default 64 octets. */
  minCompressLength?: number;
  /** Makes an observer for each new connection (tracing). */
  observer?: (socket: Duplex) => ConnectionObserver | undefined;
  /**
   * Serve over TLS (node:tls) with ALPN "h2": key and cert at least. A client offering ALPN without h2 gets the TLS
   * alert no_application_protocol; one offering no ALPN is told in plain HTTP/1.1 (426) and disconnected. Default: plaintext HTTP/2 (prior knowledge).
   */
  tls?: tls.SecureContextOptions;
  /**
   * Serve grpc.health.v1.Health: every registered service (and "") SERVING, all NOT_SERVING once shutdown() starts.
   * Default false. `server.health` sets statuses.
   */
  health?: boolean;
  /**
   * Serve grpc.reflection.v1 and v1alpha ServerReflection, so that grpcurl, buf curl --reflect and `npx h2grpc`
   * can list, describe and call the services without .proto files. Default false.
   */
  reflection?: boolean;
  /**
   * Serve from this many processes (node:cluster) on one port. The program runs again in each worker, so build the
   * server the same way on every run; in the primary, `listen` forks the workers and resolves once all listen.
   * Default 1 (this process serves).
   */
  workers?: number;
  /** Run around every call, the first outermost. */
  interceptors?: ServerInterceptor[];
  /**
   * Schemas (protobufjs roots: `loadProto(file)`) of the types a StatusError's details may carry, besides the
   * standard google.rpc ones and every type of the services this server serves. Default none.
   */
  typeRegistry?: protobuf.Root[];
  /** Close a connection (GOAWAY) that has had no call for this long (ms); Infinity: never. Default 300000 (5 min). */
  maxConnectionIdle?: number;
  /** Drain a connection (GOAWAY, calls in flight finish) once it is this old (ms). Default: never. */
  maxConnectionAge?: number;
  /** After maxConnectionAge, calls still running get this long (ms) before the connection is closed. Default 10000. */
  maxConnectionAgeGrace?: number;
  /**
   * How long (ms) the server waits for the whole request of a unary or server-streaming call (its handler has
   * asked for nothing else yet), and for the rest of a request it has already answered early; then the call ends
   * with CANCELLED. Streams whose handlers read at their own pace are never cut. Infinity: never. Default 30000.
   */
  requestTimeout?: number;
  /** shutdown() lets calls in flight run this long (ms) before it cancels them and closes. Default 30000. */
  shutdownGrace?: number;
  /** Observes every call for metrics and tracing (gRFC A66, A72): `await openTelemetry({ meterProvider })`. Default none. */
  telemetry?: CallObservers;
}

interface Registered {
  method: MethodDefinition;
  handler: Handler;
}

/** A gRPC server over our HTTP/2 connections. */
export class Server {
  private readonly methods = new Map<string, Registered>();
  private readonly services = new Set<string>();
  private readonly definitions: ServiceDefinition[] = [];
  private readonly connections = new Set<Connection>();
  private readonly calls = new Set<ServerCall>();
  private readonly options: ServerOptions;
  private listener: net.Server | undefined;
  private shuttingDown = false;
  private workers: Worker[] = [];
  /** The statuses the health service reports (when the health option is on). */
  readonly health = new HealthStatus();
  private codec: RichStatusCodec | undefined;
  /** The codec of error details: the standard types, every served service's, the typeRegistry's; made when first needed. */
  private readonly statusCodec = (): RichStatusCodec => {
    if (!this.codec) {
      const roots = new Set<protobuf.Root>(this.options.typeRegistry);
      for (const service of this.definitions) for (const method of Object.values(service.methods)) roots.add(method.requestType.root);
      this.codec = new RichStatusCodec([...roots]);
    }
    return this.codec;
  };
  private drained: (() => void) | undefined;
  /** requestTimeout and maxConnectionIdle, with one timer. */
  private readonly sweeper: ServerSweeper;

  constructor(options: ServerOptions = {}) {
    this.options = options;
    this.sweeper = new ServerSweeper(this.calls, options.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT, options.maxConnectionIdle ?? 300_000);
    if (options.health) this.addService(healthService, this.health.handlers);
    if (options.reflection) {
      const ServerReflectionInfo = reflectionHandler(() => this.definitions);
      this.addService(reflectionService, { ServerReflectionInfo });
      this.addService(reflectionV1alphaService, { ServerReflectionInfo });
    }
  }

  /**
   * Registers a service's handlers, one per method, by method name; each takes the shape of its method's kind
   * (UnaryHandler, ServerStreamingHandler, ClientStreamingHandler, BidiStreamingHandler); a method left out answers
   * UNIMPLEMENTED. With a generated (typed) service each handler must fit its method's types and no other name is
   * allowed; annotate the object as `ServiceHandlers<FooShape>` to also require every method.
   */
  addService<D extends ServiceDefinition>(service: D, handlers: HandlersFor<D>): this {
    for (const [name, method] of Object.entries(service.methods)) {
      const handler = (handlers as Record<string, Handler>)[name];
      if (!handler) continue; // calls to it get UNIMPLEMENTED
      this.methods.set(method.path, { method, handler });
    }
    for (const name of Object.keys(handlers)) {
      if (!service.methods[name]) throw new Error(`${service.name} has no method ${name}`);
    }
    this.services.add(service.name);
    if (!this.definitions.includes(service)) this.definitions.push(service);
    this.codec = undefined; // the error details' types now include this service's
    if (this.options.health && service !== healthService) this.health.set(service.name, 'SERVING');
    return this;
  }

  /**
   * Listens on host:port (port 0 picks a free one) and resolves with the port; or on a unix domain socket,
   * `listen({ path })` (clients reach it as `unix:path`), resolving with 0.
   */
  async listen(port: number | { path: string } = 0, host = '127.0.0.1'): Promise<number> {
    if (typeof port === 'object') return this.listenOn({ path: port.path });
    const workers = this.options.workers ?? 1;
    if (workers > 1 && !isWorker()) {
      const started = await listenWithWorkers(workers, port, host);
      this.workers = started.workers;
      return started.port;
    }
    return this.listenOn({ port, host });
  }

  private async listenOn(where: net.ListenOptions): Promise<number> {
    this.listener = await listenOn(where, this.options.tls, (socket) => this.handle(socket));
    return this.port;
  }

  /** Where the server listens, as a client target writes it: "127.0.0.1:50051", "[::1]:50051", "unix:/path". */
  get address(): string {
    return listenerAddress(this.listener);
  }

  /** The port listened on. */
  get port(): number {
    const address = this.listener?.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  /** Serves one connection over any Duplex (a socket from elsewhere, a TLS socket, a test pipe). */
  handle(socket: Duplex): Connection {
    const { observer, ...options } = this.options;
    // gRPC keepalive.md: servers permit client pings every 5 minutes when no call is running, and no more often
    const connection = new Connection(socket, 'server', { minPingInterval: 300_000, ...options, observer: observer?.(socket) });
    this.connections.add(connection);
    this.manageLifetime(connection);
    const peer = socket instanceof net.Socket ? `${socket.remoteAddress}:${socket.remotePort}` : 'unknown';
    connection.on('stream', (stream: Http2Stream, headers: HeaderList) => this.onStream(stream, headers, peer));
    connection.on('close', () => {
      this.connections.delete(connection);
      this.checkDrained();
    });
    if (this.shuttingDown) connection.goaway();
    return connection;
  }

  /** maxConnectionIdle (the sweeper) and maxConnectionAge: GOAWAY, then what lingers past the grace is closed. */
  private manageLifetime(connection: Connection): void {
    const { maxConnectionAge, maxConnectionAgeGrace = 10_000 } = this.options;
    const timers: DeadlineTimer[] = [];
    // a connection with no stream for maxConnectionIdle (handshaken and idle, or slowloris) gets GOAWAY and is closed
    this.sweeper.watch(connection);
    if (maxConnectionAge !== undefined && Number.isFinite(maxConnectionAge)) {
      timers.push(new DeadlineTimer(Date.now() + maxConnectionAge, () => {
        connection.goaway(ErrorCode.NO_ERROR, 'max_age');
        timers.push(new DeadlineTimer(Date.now() + maxConnectionAgeGrace, () => connection.destroy()));
      }));
    }
    connection.once('close', () => timers.forEach((timer) => timer.clear()));
  }

  /**
   * Graceful shutdown: stop listening, send GOAWAY on every connection, let the calls in flight finish, then close.
   * Calls still running after `graceMs` (default: the shutdownGrace option, 30 s) are cancelled and their
   * connections closed, so shutdown always ends, even with a client that never reads or never sends.
   */
  async shutdown(options: { graceMs?: number } = {}): Promise<void> {
    this.shuttingDown = true;
    this.health.shutdown();
    if (this.workers.length > 0) return stopWorkers(this.workers, 'SIGINT');
    const closed = this.listener ? new Promise<void>((resolve) => this.listener!.close(() => resolve())) : Promise.resolve();
    for (const connection of this.connections) connection.goaway();
    const grace = options.graceMs ?? this.options.shutdownGrace ?? 30_000;
    let lingering: NodeJS.Timeout | undefined;
    const timer = new DeadlineTimer(Date.now() + grace, () => {
      // the calls still running are told why they end; what a stalled peer cannot take goes with its connection
      const reason = `the server is shutting down: calls still running after its grace period of ${grace} ms were ended`;
      for (const call of [...this.calls]) call.sendStatus(Status.UNAVAILABLE, reason);
      // kept referenced: shutdown() resolves only once they are closed, and a program awaits it
      lingering = setTimeout(() => {
        for (const connection of [...this.connections]) connection.destroy(new Error(reason));
      }, SHUTDOWN_LINGER_MS);
    });
    await new Promise<void>((resolve) => {
      this.drained = resolve;
      this.checkDrained();
    });
    timer.clear();
    clearTimeout(lingering);
    await closed;
  }

  /** Closes every connection now; calls in flight fail on the client with UNAVAILABLE. */
  forceShutdown(): void {
    this.shuttingDown = true;
    if (this.workers.length > 0) void stopWorkers(this.workers, 'SIGKILL');
    this.listener?.close();
    for (const call of [...this.calls]) call.stream.reset(ErrorCode.INTERNAL_ERROR);
    for (const connection of [...this.connections]) connection.destroy();
    this.checkDrained();
  }

  private checkDrained(): void {
    if (this.shuttingDown && this.connections.size === 0) this.sweeper.stop();
    if (this.drained && this.connections.size === 0) {
      const done = this.drained;
      this.drained = undefined;
      done();
    }
  }

  private readonly callFinished = (call: ServerCall) => this.calls.delete(call);
  /** The last grpc-accept-encoding parsed: a client sends the same one with every call. */
  private lastAccept: { header: string | undefined; encodings: ReadonlySet<string> } = { header: undefined, encodings: parseAcceptEncoding(undefined) };

  private acceptedEncodings(header: string | undefined): ReadonlySet<string> {
    if (header !== this.lastAccept.header) this.lastAccept = { header, encodings: parseAcceptEncoding(header) };
    return this.lastAccept.encodings;
  }

  private onStream(stream: Http2Stream, headers: HeaderList, peer: string): void {
    const method = headerValue(headers, ':method');
    const contentType = headerValue(headers, 'content-type') ?? '';
    // gRPC PROTOCOL-HTTP2: a request that is not gRPC gets an HTTP status, so no HTTP client mistakes it for a success
    if (method !== 'POST') return this.notGrpc(stream, method, 405, `method ${method} is not POST`);
    if (contentType !== 'application/grpc' && !/^application\/grpc(\+proto|$|;)/.test(contentType)) {
      return this.notGrpc(stream, method, 415, `content-type ${JSON.stringify(contentType)} is not application/grpc`);
    }
    const path = headerValue(headers, ':path')!;
    const registered = this.methods.get(path);
    const observer = this.options.telemetry?.serverCall?.({ path, registered: registered !== undefined, headers });
    if (!registered) {
      const service = path.split('/')[1] ?? '';
      const details = this.services.has(service) ? `method ${path} is not implemented` : `unknown service ${service}`;
      return trailersOnly(stream, Status.UNIMPLEMENTED, details, undefined, observer);
    }
    const timeoutHeader = headerValue(headers, 'grpc-timeout');
    const timeout = timeoutHeader === undefined ? undefined : parseTimeout(timeoutHeader);
    if (timeoutHeader !== undefined && timeout === undefined) {
      return trailersOnly(stream, Status.INTERNAL, `malformed grpc-timeout ${JSON.stringify(timeoutHeader)}`, undefined, observer);
    }
    // gRPC compression.md: an encoding we cannot read is UNIMPLEMENTED, with the ones we can in grpc-accept-encoding
    const encoding = headerValue(headers, 'grpc-encoding') ?? 'identity';
    if (!isEncoding(encoding)) {
      return trailersOnly(stream, Status.UNIMPLEMENTED, `grpc-encoding ${encoding} is not supported`, [['grpc-accept-encoding', ACCEPT_ENCODING]], observer);
    }
    const accepted = this.acceptedEncodings(headerValue(headers, 'grpc-accept-encoding'));
    const preferred = this.options.compression ?? 'identity';
    let metadata: Metadata;
    try {
      metadata = Metadata.fromHeaders(headers);
    } catch (err) {
      return trailersOnly(stream, Status.INTERNAL, `malformed metadata: ${(err as Error).message}`, undefined, observer);
    }
    const call = new ServerCall(stream, {
      method: registered.method,
      metadata,
      deadline: timeout === undefined ? undefined : Date.now() + timeout,
      peer,
      maxReceiveMessageLength: this.options.maxReceiveMessageLength ?? DEFAULT_MAX_RECEIVE_MESSAGE_LENGTH,
      maxSendMessageLength: this.options.maxSendMessageLength ?? Infinity,
      requestEncoding: encoding,
      responseEncoding: accepted.has(preferred) ? preferred : 'identity',
      acceptedEncodings: accepted,
      minCompressLength: this.options.minCompressLength ?? MIN_COMPRESS_LENGTH,
      onFinish: this.callFinished,
      statusCodec: this.statusCodec,
      observer,
    });
    this.calls.add(call);
    stream.handler = call;
    const interceptors = this.options.interceptors ?? [];
    if (interceptors.length === 0) {
      void run(call, registered.handler);
      return;
    }
    chainServer(interceptors, call, () => run(call, registered.handler))().catch((err: unknown) => call.sendError(err));
  }

  /**
   * A request that is not gRPC (a browser's GET /, nghttp, curl) gets a normal HTTP/2 response: the status, a short
   * text body saying what this port speaks, END_STREAM. The rest of its request is read and discarded (RFC 9113
   * §8.1), within requestTimeout, so the stream stays accounted for until the client ends it.
   */
  private notGrpc(stream: Http2Stream, method: string | undefined, status: number, reason: string): void {
    const body = Buffer.from(`This port serves gRPC over HTTP/2 (POST, content-type application/grpc): ${reason}.\n`);
    stream.handler = DISCARD;
    const fields: HeaderList = [[':status', String(status)], ['content-type', 'text/plain; charset=utf-8'], ['content-length', String(body.length)]];
    if (status === 405) fields.push(['allow', 'POST']);
    if (method === 'HEAD') {
      stream.sendHeaders(fields, true);
    } else {
      stream.sendHeaders(fields);
      stream.write(body, true);
    }
    this.sweeper.expectEnd(stream);
  }
}

/** After shutdown's grace, how long the ended calls' trailers get to reach their clients before connections close. */
const SHUTDOWN_LINGER_MS = 1000;

/** Default of ServerOptions.requestTimeout. */
const DEFAULT_REQUEST_TIMEOUT = 30_000;

/** Runs a handler of any of the four kinds and sends what it produces, then the status. */
async function run(call: ServerCall, handler: Handler): Promise<void> {
  const { requestStream, responseStream } = call.method;
  try {
    const input = requestStream ? call.requests() : await call.single();
    const output = (handler as (input: unknown, call: ServerCall) => unknown)(input, call);
    if (responseStream) {
      for await (const message of output as AsyncIterable<unknown>) {
        if (call.finished) return;
        if (message instanceof WithCompression) await call.write(message.message, { compress: message.compress });
        else await call.write(message);
      }
    } else {
      const response = await output;
      if (call.finished) return;
      if (response instanceof WithCompression) await call.write(response.message, { compress: response.compress });
      else await call.write(response);
    }
    call.sendOk();
  } catch (err) {
    call.sendError(err);
  }
}

/** A Trailers-Only response: one HEADERS frame with END_STREAM carrying the status (the call's observer told). */
function trailersOnly(stream: Http2Stream, code: number, details: string, extra: HeaderList = [], observer?: ServerCallObserver): void {
  respondAndReset(stream, [[':status', '200'], ['content-type', 'application/grpc'], ...extra, ['grpc-status', String(code)], ['grpc-message', percentEncode(details)]]);
  if (observer) observer.callEnded(code);
}

function respondAndReset(stream: Http2Stream, fields: HeaderList): void {
  stream.handler = DISCARD;
  const halfClosed = stream.remoteClosed;
  stream.sendHeaders(fields, true);
  // gRPC PROTOCOL-HTTP2: the client may still be sending; RST_STREAM(NO_ERROR) tells it to stop
  if (!halfClosed && !stream.closed) stream.reset(0);
}

const DISCARD = {
  onHeaders() {},
  onData(stream: Http2Stream, data: Uint8Array) {
    stream.consume(data.length);
  },
  onReset() {},
};


/**
 * Stops forked workers. Gracefully: SIGINT (so a program that handles it can shut its server down), then the IPC
 * channel is closed so the worker can exit once it is done, and after 15 s it is killed. Forcefully: SIGKILL.
 */
async function stopWorkers(workers: Worker[], signal: NodeJS.Signals): Promise<void> {
  await Promise.all(workers.map((worker) => new Promise<void>((resolve) => {
    if (worker.isDead()) return resolve();
    worker.once('exit', () => resolve());
    worker.process.kill(signal);
    if (signal === 'SIGKILL') return;
    worker.disconnect();
    setTimeout(() => worker.process.kill('SIGKILL'), 15_000).unref();
  })));
}
