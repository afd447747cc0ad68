// gRPC over our HTTP/2 (grpc/doc/PROTOCOL-HTTP2.md): server, client, status codes, metadata, deadlines.
export {
  Server, type ServerOptions, type Handler, type HandlersFor, type UnaryHandler, type ServerStreamingHandler, type ClientStreamingHandler, type BidiStreamingHandler,
} from './server.js';
export { ServerCall } from './server-call.js';
export { Client, createClient, type ClientOptions, type ServiceClient, type StubMethod } from './client.js';
export { type CallOptions, ClientCall, type UnaryResult, USER_AGENT } from './client-call.js';
export { Channel, type ChannelOptions, type BackoffOptions } from './channel.js';
export type { ConnectivityState } from './connectivity.js';
export { builtInResolvers, StaticResolver, type Resolver, type ResolverFactory, type ResolverListener, type ResolverOptions } from './resolver.js';
export { addressText, DEFAULT_PORT, parseHostPort, parseTarget, type SubchannelAddress, type Target } from './target.js';
export { Metadata, type MetadataValue } from './metadata.js';
export { Status, StatusError, statusName, type StatusCode } from './status.js';
export { loadProto, loadService, serviceDefinition, type MethodDefinition, type ServiceDefinition, TO_OBJECT } from './schema.js';
export { DeadlineTimer, encodeTimeout, parseTimeout } from './deadline.js';
export { percentDecode, percentEncode } from './percent.js';
export { frameMessage, MessageReader, DEFAULT_MAX_RECEIVE_MESSAGE_LENGTH } from './message.js';
export { statusFromHttp, statusFromRstStream } from './status-mapping.js';
export { ACCEPT_ENCODING, compress, decompress, type Encoding, withCompression, WithCompression } from './compression.js';
export { RichStatusCodec, richStatus, richStatusRoot, type RichStatus, type StatusDetail } from './rich-status.js';
export { type ClientCallInfo, type ClientInterceptor, type ServerInterceptor } from './interceptors.js';
export { backoffMs, normalizeRetryPolicy, retryPolicyFor, RetryThrottle } from './retry.js';
export type { RetryPolicy, RetryThrottling, ServiceConfig } from './service-config.js';
export { isWorker, listenWithWorkers } from './workers.js';
export { HEALTH_PROTO, HealthStatus, healthService, type ServingStatus } from './health.js';
export { REFLECTION_PROTO, reflectionHandler, reflectionService, reflectionV1alphaService, reflectionV1alphaText } from './reflection.js';
export { reflect } from './reflection-client.js';
export { defineFile, type FileDefinition } from './file-definition.js';
export type {
  BidiStreaming, ClientStreaming, HandlerOf, MethodShape, Sent, ServerStreaming, ServiceHandlers, ServiceShape, ServiceStubs, StubOf, TypedServiceDefinition, Unary,
} from './service-types.js';
export { type TypedClient } from './client.js';
/** The well-known types (google/protobuf/*.proto) as generated code types them: `wkt.Timestamp`, `wkt.Struct`… */
export * as wkt from './wkt/index.js';
