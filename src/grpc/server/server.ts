import type { Worker } from 'node:cluster';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { ErrorCode } from '../../frames/index.js';
import { Connection, headerValue, type HeaderList, type Http2Stream } from '../../http2/index.js';
import { DEFAULT_HTTP1_LIMITS } from '../../http1/index.js';
import { ACCEPT_ENCODING, type CallObservers, type CallStream, combineObservers, DeadlineTimer, DEFAULT_MAX_RECEIVE_MESSAGE_LENGTH, isEncoding, Metadata, MIN_COMPRESS_LENGTH, parseAcceptEncoding, parseTimeout, RichStatusCodec, Status } from '../call/index.js';
import { chainServer } from './interceptors.js';
import type { MethodDefinition, ServiceDefinition } from '../schema/index.js';
import type { Handler, HandlersFor } from './handler-types.js';
import { run, trailersOnly } from './run-handler.js';
import type { ServerOptions } from './server-options.js';
import { type CallOrigin, ProtocolRouter } from './protocol-router.js';
import { channelzService, healthService, HealthStatus, reflectionHandler, reflectionService, reflectionV1alphaService } from '../services/index.js';
import { channelzHandlers, ChannelzRegistry, serverCallCounting, type ServerNode } from '../channelz/index.js';
import { ServerCall } from './server-call.js';
import { Http1Connections } from './http1-connections.js';
import { listenerAddress, listenOn, sniffTransport, type Transport } from './server-listener.js';
import { ServerSweeper } from './server-sweeper.js';
import { isWorker, listenWithWorkers, stopWorkers } from './workers.js';


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
  /** gRPC-Web, Connect, JSON, CORS and what is none of them. */
  private readonly router: ProtocolRouter;
  /** The connections that speak HTTP/1.1 (gRPC-Web and Connect only); undefined when the http1 option is false. */
  private readonly http1: Http1Connections | undefined;
  /** What observes each call: telemetry's observers, and channelz's counting when it is on. */
  private readonly observers: CallObservers | undefined;
  /** gRFC A14: the registry this server counts into and serves (channelz option), and the server in it. */
  readonly channelz: ChannelzRegistry | undefined;
  private readonly channelzNode: ServerNode | undefined;

  constructor(options: ServerOptions = {}) {
    this.options = options;
    this.sweeper = new ServerSweeper(this.calls, options.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT, options.maxConnectionIdle ?? 300_000);
    this.router = new ProtocolRouter({
      options,
      maxReceiveMessageLength: options.maxReceiveMessageLength ?? DEFAULT_MAX_RECEIVE_MESSAGE_LENGTH,
      method: (path) => this.methods.get(path)?.method,
      startCall: (stream, headers, from, methodOf) => this.startCall(stream, headers, from, methodOf),
      expectEnd: (stream) => this.sweeper.expectEnd(stream),
    });
    if (options.http1 !== false) {
      // a stream's body has no length: its messages are bounded by maxReceiveMessageLength, not the body
      this.http1 = new Http1Connections({ maxBodyOctets: Infinity, ...options.http1 }, (stream, headers, peer) => this.router.route(stream, headers, { peer }, '1.1'), () => this.checkDrained(), options.observer);
    }
    this.channelz = options.channelz === true ? new ChannelzRegistry() : options.channelz || undefined;
    this.channelzNode = this.channelz?.addServer();
    this.observers = this.channelz ? combineObservers(options.telemetry, serverCallCounting(this.channelz, this.channelzNode!)) : options.telemetry;
    if (this.channelz) this.addService(channelzService, channelzHandlers(this.channelz));
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
    this.listener = await listenOn(where, this.options.tls, this.http1 !== undefined, (socket, transport) => this.accept(socket, transport));
    if (this.channelzNode) {
      const address = this.listener.address();
      this.channelzNode.addListenSocket(typeof address === 'string' ? { path: address } : { ip: address!.address, port: address!.port });
    }
    return this.port;
  }

  /** A new connection, by what it speaks: ALPN said, or its first octets tell (HTTP/2 preface or request line). */
  private accept(socket: net.Socket, transport: Transport): void {
    if (transport === 'h2' || !this.http1) this.handle(socket);
    else if (transport === 'http/1.1') this.http1.serve(socket, this.shuttingDown);
    // the wait for a first octet is bounded as a head is (HTTP/1.1 headersTimeoutMs)
    else sniffTransport(socket, this.options.http1 ? this.options.http1.headersTimeoutMs ?? HTTP1_HEADERS_TIMEOUT : HTTP1_HEADERS_TIMEOUT, (seen) => this.accept(socket, seen));
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
    const from: CallOrigin = { peer: socket instanceof net.Socket ? `${socket.remoteAddress}:${socket.remotePort}` : 'unknown', connection };
    if (this.channelzNode) this.channelzNode.addSocket(connection, unixEnd(this.listener));
    connection.on('stream', (stream: Http2Stream, headers: HeaderList) => this.onStream(stream, headers, from));
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
    this.http1?.close();
    const grace = options.graceMs ?? this.options.shutdownGrace ?? 30_000;
    let lingering: NodeJS.Timeout | undefined;
    const timer = new DeadlineTimer(Date.now() + grace, () => {
      // the calls still running are told why they end; what a stalled peer cannot take goes with its connection
      const reason = `the server is shutting down: calls still running after its grace period of ${grace} ms were ended`;
      for (const call of [...this.calls]) call.sendStatus(Status.UNAVAILABLE, reason);
      // kept referenced: shutdown() resolves only once they are closed, and a program awaits it
      lingering = setTimeout(() => {
        for (const connection of [...this.connections]) connection.destroy(new Error(reason));
        this.http1?.destroy();
      }, SHUTDOWN_LINGER_MS);
    });
    await new Promise<void>((resolve) => {
      this.drained = resolve;
      this.checkDrained();
    });
    timer.clear();
    clearTimeout(lingering);
    await closed;
    this.channelzNode?.remove();
  }

  /** Closes every connection now; calls in flight fail on the client with UNAVAILABLE. */
  forceShutdown(): void {
    this.shuttingDown = true;
    if (this.workers.length > 0) void stopWorkers(this.workers, 'SIGKILL');
    this.listener?.close();
    for (const call of [...this.calls]) call.stream.reset(ErrorCode.INTERNAL_ERROR);
    for (const connection of [...this.connections]) connection.destroy();
    this.http1?.destroy();
    this.channelzNode?.remove();
    this.checkDrained();
  }

  private checkDrained(): void {
    const open = this.connections.size + (this.http1?.size ?? 0);
    if (this.shuttingDown && open === 0) this.sweeper.stop();
    if (this.drained && open === 0) {
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

  private onStream(stream: Http2Stream, headers: HeaderList, from: CallOrigin): void {
    // the common case first: gRPC over HTTP/2 with protobuf; gRPC-Web, Connect, JSON and the rest are routed
    if (headerValue(headers, ':method') === 'POST' && headerValue(headers, 'content-type') === 'application/grpc') return this.startCall(stream, headers, from);
    this.router.route(stream, headers, from);
  }

  /** A call on its stream (HTTP/2's own, or a protocol's translation), its headers as gRPC carries them. */
  private startCall(stream: CallStream, headers: HeaderList, from: CallOrigin, methodOf?: (method: MethodDefinition) => MethodDefinition): void {
    const path = headerValue(headers, ':path')!;
    const registered = this.methods.get(path);
    const observer = this.observers?.serverCall?.({ path, registered: registered !== undefined, headers, connection: from.connection });
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
      method: methodOf ? methodOf(registered.method) : registered.method,
      metadata,
      deadline: timeout === undefined ? undefined : Date.now() + timeout,
      peer: from.peer,
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
}

/** A unix socket's path as the local end of its connections (node:net reports no address for them). */
function unixEnd(listener: net.Server | undefined): { local?: { path: string } } {
  const address = listener?.address();
  return typeof address === 'string' ? { local: { path: address } } : {};
}

/** After shutdown's grace, how long the ended calls' trailers get to reach their clients before connections close. */
const SHUTDOWN_LINGER_MS = 1000;

/** Default of HTTP/1.1's headersTimeoutMs (src/http1/limits.ts), also the wait for a new connection's first octet. */
const HTTP1_HEADERS_TIMEOUT = DEFAULT_HTTP1_LIMITS.headersTimeoutMs;

/** Default of ServerOptions.requestTimeout. */
const DEFAULT_REQUEST_TIMEOUT = 30_000;
