import type { HeaderList } from '../../http2/index.js';
import { Channel, type ChannelOptions, type ServiceConfig } from '../channel/index.js';
import { watchHealth } from './health-watch.js';
import { type CallOptions, ClientCall, type UnaryResult } from './client-call.js';
import type protobuf from 'protobufjs';
import { channelCallCounting } from '../channelz/index.js';
import { type CallObservers, deadlineFrom, DEFAULT_MAX_RECEIVE_MESSAGE_LENGTH, type Encoding, joinObservers, MIN_COMPRESS_LENGTH, RichStatusCodec, type Sent, Status, StatusError } from '../call/index.js';
import { chainClient, type ClientCallInfo, type ClientInterceptor } from './interceptors.js';
import { type NormalizedRetryPolicy, retryPolicyFor, RetryThrottle } from './retry.js';
import type { MethodDefinition, MethodShape, ServiceDefinition, ServiceShape, TypedServiceDefinition } from '../schema/index.js';
import type { ServiceStubs } from './stub-types.js';
import { type ClientProtocol, ProtocolCalls } from './protocol-channel.js';

/** Options of a client: the channel's, message limits, compression, interceptors, service config. */
export interface ClientOptions extends ChannelOptions {
  /** Largest response message accepted. Default 4 MiB. */
  maxReceiveMessageLength?: number;
  /** Largest request message sent. Default unlimited. */
  maxSendMessageLength?: number;
  /** Compress request messages with this encoding unless a call says otherwise. Default identity. */
  compression?: Encoding;
  /** Messages shorter than this go uncompressed even under an encoding. Default 64 octets. */
  minCompressLength?: number;
  /** Run around every call, the first outermost. */
  interceptors?: ClientInterceptor[];
  /** gRPC service config: load balancing, health checking, per-method retry policies and retry throttling. */
  serviceConfig?: ServiceConfig;
  /** Share this channel (its connections) with other clients instead of making one; the address is then unused. */
  channel?: Channel;
  /**
   * Schemas (protobufjs roots) of the types error details may carry, besides the standard google.rpc ones and the
   * service's own types, so that they decode to objects. Default none.
   */
  typeRegistry?: protobuf.Root[];
  /**
   * Observes every call for metrics and tracing (gRFC A66, A72), and the channel's connections (A79) when it makes
   * the channel: `await openTelemetry({ meterProvider })`. Default none.
   */
  telemetry?: CallObservers;
  /**
   * gRFC A16 binary logging of the calls its filter selects: `binaryLog({ filter: '*', file: 'client.binlog' })`.
   * Default none (nothing made per call).
   */
  binaryLog?: CallObservers;
  /**
   * The protocol of the calls: 'grpc' (default; HTTP/2 only), 'grpc-web' or 'connect' (over HTTP/2 or, with
   * `httpVersion: '1.1'`, HTTP/1.1). docs/protocols.md, "The client".
   */
  protocol?: ClientProtocol;
  /**
   * The messages' wire form: 'proto' (default) or 'json' (ProtoJSON), under every protocol (gRPC's content-type is then
   * application/grpc+json). A gRPC response in another format fails INTERNAL. docs/protocols.md, "The client".
   */
  codec?: 'proto' | 'json';
  /** Connect: call methods declared `idempotency_level = NO_SIDE_EFFECTS` by GET (cacheable). Default false. */
  useGet?: boolean;
}

/** The options' protocol choices checked: a combination that cannot work is a TypeError naming it. */
function checkProtocol(options: ClientOptions): void {
  const { protocol = 'grpc', httpVersion = '2', codec = 'proto' } = options;
  if (protocol !== 'grpc' && protocol !== 'grpc-web' && protocol !== 'connect') throw new TypeError(`protocol must be 'grpc', 'grpc-web' or 'connect', not ${JSON.stringify(protocol)}`);
  if (httpVersion !== '2' && httpVersion !== '1.1') throw new TypeError(`httpVersion must be '2' or '1.1', not ${JSON.stringify(httpVersion)}`);
  if (codec !== 'proto' && codec !== 'json') throw new TypeError(`codec must be 'proto' or 'json', not ${JSON.stringify(codec)}`);
  // gRPC PROTOCOL-HTTP2: gRPC's trailers and full-duplex streams need HTTP/2
  if (protocol === 'grpc' && httpVersion === '1.1') throw new TypeError("gRPC needs HTTP/2: over HTTP/1.1 use protocol 'grpc-web' or 'connect'");
  if (options.useGet && protocol !== 'connect') throw new TypeError("useGet is Connect's: it needs protocol 'connect'");
}

/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * A stub method, shaped by its method's kind:
 * - unary: `await client.Calc({ n: 100 })` resolves with the response;
 * - server streaming: `for await (const r of client.Stream({ n: 10 }))`;
 * - client streaming: `await client.Sum(requests)` with requests any (async) iterable;
 * - bidirectional: `for await (const r of client.Chat(requests))`.
 * The streaming forms return the ClientCall: also `headers`, `done` (trailers or the error) and `cancel()`.
 */
export type StubMethod = (request: any, options?: CallOptions) => any;
/* eslint-enable @typescript-eslint/no-explicit-any */

/**
 * A client for one service at one address. Its stub methods are made at run time from the loaded service, one per
 * rpc, named as in the .proto file.
 */
export class Client {
  readonly channel: Channel;
  private readonly headerCache = new Map<string, HeaderList>();

  constructor(
    address: string,
    readonly service: ServiceDefinition,
    options: ClientOptions = {},
  ) {
    checkProtocol(options);
    this.channel = options.channel ?? new Channel(address, options);
    this.channel.healthChecker ??= watchHealth;
    const throttle = options.serviceConfig?.retryThrottling && new RetryThrottle(options.serviceConfig.retryThrottling);
    let richCodec: RichStatusCodec | undefined;
    // error details decode with the service's own types and the typeRegistry's, besides google.rpc's
    const statusCodec = () => (richCodec ??= new RichStatusCodec([...new Set([...(options.typeRegistry ?? []), ...Object.values(service.methods).map((m) => m.requestType.root)])]));
    const policies = new Map<string, NormalizedRetryPolicy | undefined>();
    for (const method of Object.values(service.methods)) policies.set(method.path, retryPolicyFor(options.serviceConfig, method.path));
    // gRFC A14: with channelz on for the channel, its calls are counted beside what telemetry and a binary log observe
    const channelz = this.channel.channelz;
    const counting = channelz ? channelCallCounting(channelz.registry, channelz.node) : undefined;
    const observers = joinObservers(joinObservers(options.telemetry, counting), options.binaryLog);
    const maxReceiveMessageLength = options.maxReceiveMessageLength ?? DEFAULT_MAX_RECEIVE_MESSAGE_LENGTH;
    const protocol = options.protocol ?? 'grpc';
    // gRPC with proto, the common case, goes straight to the channel: no translating stream, no codec per message
    const codec = options.codec ?? 'proto';
    const calls = protocol === 'grpc' && codec === 'proto' ? undefined : new ProtocolCalls(this.channel, protocol, codec, options.useGet ?? false, maxReceiveMessageLength, options.httpVersion ?? '2');
    this.startIntercepted = chainClient(options.interceptors ?? [], ({ method, requests, options: callOptions }) => {
      const path = calls?.path(method, method.idempotency === 'NO_SIDE_EFFECTS');
      const deadline = deadlineFrom(callOptions);
      return new ClientCall({
        channel: path?.channel ?? this.channel,
        headerCache: this.headerCache,
        method: path?.method ?? method,
        options: callOptions,
        deadline,
        maxReceiveMessageLength,
        maxSendMessageLength: options.maxSendMessageLength ?? Infinity,
        compression: callOptions.compression ?? options.compression ?? 'identity',
        // Connect names a unary request's compression in content-encoding: under one, every request is compressed
        minCompressLength: options.minCompressLength ?? (protocol === 'connect' ? 0 : MIN_COMPRESS_LENGTH),
        retryPolicy: policies.get(method.path),
        throttle,
        statusCodec,
        observer: observers?.clientCall?.({ path: method.path, target: this.channel.canonicalTarget, authority: this.channel.authority, metadata: callOptions.metadata, deadline }),
      }, requests);
    });
    for (const [name, method] of Object.entries(service.methods)) {
      if (name in this) continue; // never shadow the client's own members
      Object.defineProperty(this, name, { value: this.stub(method), enumerable: true });
    }
  }

  private stub(method: MethodDefinition): StubMethod {
    const { requestStream, responseStream } = method;
    if (!requestStream && !responseStream) {
      return (request: unknown, options?: CallOptions) => this.start(method, [request], options).unary().then((r) => r.message);
    }
    if (!requestStream) return (request: unknown, options?: CallOptions) => this.start(method, [request], options);
    if (!responseStream) {
      return (requests: AsyncIterable<unknown> | Iterable<unknown>, options?: CallOptions) => this.start(method, requests, options).unary().then((r) => r.message);
    }
    return (requests: AsyncIterable<unknown> | Iterable<unknown>, options?: CallOptions) => this.start(method, requests, options);
  }

  /** A unary (or client-streaming) call by method name, resolving with the message, headers and trailers. */
  unary<Res = unknown>(methodName: string, request: unknown, options: CallOptions = {}): Promise<UnaryResult<Res>> {
    const method = this.service.methods[methodName];
    if (!method) return Promise.reject(new StatusError(Status.UNIMPLEMENTED, `${this.service.name} has no method ${methodName}`));
    const requests = method.requestStream ? (request as Iterable<unknown>) : [request];
    return this.start<Res>(method, requests, options).unary();
  }

  /** A call of any kind by method name: the requests as an (async) iterable, the responses by iterating the call. */
  call<Res = unknown>(methodName: string, requests: AsyncIterable<unknown> | Iterable<unknown>, options: CallOptions = {}): ClientCall<Res> {
    const method = this.service.methods[methodName];
    if (!method) throw new StatusError(Status.UNIMPLEMENTED, `${this.service.name} has no method ${methodName}`);
    return this.start<Res>(method, requests, options);
  }

  private start<Res>(method: MethodDefinition, requests: AsyncIterable<unknown> | Iterable<unknown>, options: CallOptions = {}): ClientCall<Res> {
    return this.startIntercepted({ method, requests, options }) as ClientCall<Res>;
  }

  /** The interceptors, then the call itself. */
  private readonly startIntercepted: (info: ClientCallInfo) => ClientCall<unknown>;

  close(): void {
    this.channel.close();
  }
}

/**
 * A client with one stub per method, of a service only known at run time (loadService): name the methods for the
 * type checker if you like, `createClient<'Calc'>(address, piService)`.
 */
export type ServiceClient<M extends string = string> = Client & Record<M, StubMethod>;

/**
 * A client of a generated (typed) service: every stub typed by its method. A method named like a member of Client
 * (`close`, `call`, `unary`, `channel`, `service`) has no stub; reach it with `client.call(name, requests)`.
 */
export type TypedClient<S extends ServiceShape> = Omit<Client, 'unary' | 'call'> & Omit<ServiceStubs<S>, keyof Client> & TypedCalls<S>;

/** The requests a method takes: one message, or (when the client streams) an iterable of them. */
type RequestsOf<M extends MethodShape> = M['requestStream'] extends true ? AsyncIterable<Sent<M['requestInit']>> | Iterable<Sent<M['requestInit']>> : M['requestInit'];

/** Client.unary and Client.call typed by the method named: the response type comes with the headers and trailers. */
export interface TypedCalls<S extends ServiceShape> {
  /** A unary or client-streaming call by name: its response message, response headers and trailers. */
  unary<K extends keyof S & string>(methodName: K, request: RequestsOf<S[K]>, options?: CallOptions): Promise<UnaryResult<S[K]['response']>>;
  /** As Client.unary, with the response type given (`unary<PiResponse>('Calc', …)`, as before typed calls). */
  unary<Res>(methodName: string, request: unknown, options?: CallOptions): Promise<UnaryResult<Res>>;
  /** A call of any kind by name: iterate it for the responses; `headers`, `done` (trailers) and `cancel()`. */
  call<K extends keyof S & string>(methodName: K, requests: AsyncIterable<Sent<S[K]['requestInit']>> | Iterable<Sent<S[K]['requestInit']>>, options?: CallOptions): ClientCall<S[K]['response']>;
  /** As Client.call, with the response type given. */
  call<Res>(methodName: string, requests: AsyncIterable<unknown> | Iterable<unknown>, options?: CallOptions): ClientCall<Res>;
}

/**
 * A client for `service` at `address`. With a service from generated code (`h2grpc gen`) the stubs are typed:
 * `await createClient(address, PiCalculator).Calc({ n: 1 })` is a `PiResponse`.
 */
export function createClient<S extends ServiceShape>(address: string, service: TypedServiceDefinition<S>, options?: ClientOptions): TypedClient<S>;
export function createClient<M extends string = string>(address: string, service: ServiceDefinition, options?: ClientOptions): ServiceClient<M>;
export function createClient(address: string, service: ServiceDefinition, options?: ClientOptions): Client | TypedClient<ServiceShape> {
  return new Client(address, service, options);
}
