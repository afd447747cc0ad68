import type { Duplex } from 'node:stream';
import type tls from 'node:tls';
import type protobuf from 'protobufjs';
import type { ConnectionObserver, ConnectionOptions } from '../../http2/index.js';
import type { CallObservers, Encoding } from '../call/index.js';
import type { Http1Observer, Http1ServerOptions } from '../../http1-connection/index.js';
import type { CorsOptions } from '../protocols/index.js';
import type { ChannelzRegistry } from '../channelz/index.js';
import type { ServerInterceptor } from './interceptors.js';

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
  /** Makes an observer for each new connection (tracing): HTTP/2's frames, or HTTP/1.1's octets (its `http1`). */
  observer?: (socket: Duplex) => (ConnectionObserver & Http1Observer) | undefined;
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
   * gRFC A14 channelz: count this server's calls, connections and streams, and serve grpc.channelz.v1.Channelz with
   * them. `true` makes a registry for this server (`server.channelz`); a ChannelzRegistry shared with clients
   * (`createClient(…, { channelz: registry })`) serves theirs too. Default off: nothing is counted.
   */
  channelz?: boolean | ChannelzRegistry;
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
  /**
   * The protocols served besides gRPC over HTTP/2, from the same handlers: gRPC-Web (binary and text) and Connect
   * (unary, GET and streaming), with proto or JSON. Default: all ({ grpcWeb: true, connect: true }).
   */
  protocols?: { grpcWeb?: boolean; connect?: boolean };
  /** CORS for browsers calling over gRPC-Web or Connect: the origins allowed, preflights answered. Default: none. */
  cors?: CorsOptions;
  /**
   * HTTP/1.1 on the same port (told from HTTP/2 by the first octets, or by TLS ALPN "http/1.1"), for gRPC-Web and
   * Connect from browsers, curl and HTTP/1.1 proxies; gRPC itself needs HTTP/2 (505). Its bounds (src/http1's
   * limits: request line, fields, body, chunk sizes, idle and slow-head timeouts; docs/security.md). false: HTTP/2
   * only, and an HTTP/1.x request gets a 505 saying so. Default: on, with the default limits.
   */
  http1?: Http1ServerOptions | false;
}
