// gRPC over our HTTP/2 (grpc/doc/PROTOCOL-HTTP2.md): the public names of every room of src/grpc, room by room.
// The rooms import one way (docs/architecture.md): schema ← call ← services ← server, call ← channel ← client,
// call ← telemetry and call ← binlog (which server and client reach only through call/'s CallObservers), and
// call ← channelz ← channel, server, client (channelz counts through the same seam; channel and server make its
// entities).

// schema/: service definitions, generated code's runtime, the well-known types
export { defineFile, type FileDefinition, loadProto, loadService, type MethodDefinition, serviceDefinition, type ServiceDefinition, TO_OBJECT } from './schema/index.js';
export type { BidiStreaming, ClientStreaming, MethodShape, ServerStreaming, ServiceShape, TypedServiceDefinition, Unary } from './schema/index.js';
export { wkt } from './schema/index.js';

// call/: what both sides of a call share
export { Metadata, type MetadataValue, Status, StatusError, statusName, type StatusCode } from './call/index.js';
export { DeadlineTimer, encodeTimeout, parseTimeout, percentDecode, percentEncode } from './call/index.js';
export { frameMessage, MessageReader, DEFAULT_MAX_RECEIVE_MESSAGE_LENGTH, statusFromHttp, statusFromRstStream } from './call/index.js';
export { ACCEPT_ENCODING, compress, decompress, type Encoding, type Sent, withCompression, WithCompression } from './call/index.js';
export { RichStatusCodec, richStatus, richStatusRoot, type RichStatus, type StatusDetail } from './call/index.js';
export type { CallContentObserver, CallObservers, ChannelObserver, ClientCallObserver, ClientCallStart, MessageObserver, ServerCallObserver, ServerCallStart } from './call/index.js';
export { joinObservers } from './call/index.js';

// telemetry/: OpenTelemetry metrics (gRFC A66) and tracing (A72), trace context on the wire
export { openTelemetry, type OpenTelemetryOptions, INSTRUMENTS, type InstrumentDescriptor, LATENCY_BUCKETS, METER_NAME, SIZE_BUCKETS, TRACER_NAME } from './telemetry/index.js';
export { formatGrpcTraceBin, formatTraceparent, parseGrpcTraceBin, parseTraceparent, type Propagation, type WireSpanContext } from './telemetry/index.js';

// channelz/: gRFC A14, what channels, subchannels, servers and sockets are doing, and the service answering it
export { ChannelzRegistry, type ChannelzOptions, channelzHandlers, DEFAULT_MAX_PAGE_SIZE, DEFAULT_MAX_TRACE_EVENTS, DEFAULT_PAGE_SIZE } from './channelz/index.js';
export type { ChannelNode, ChannelzState, ServerNode, SocketNode } from './channelz/index.js';

// binlog/: binary logging (gRFC A16), GrpcLogEntry records in grpc-go's file format, and reading them back
export { BinaryLog, binaryLog, binaryLogFromEnv, type BinaryLogOptions, BinaryLogFilter, type LogLimits, DEFAULT_MAX_BUFFERED_BYTES } from './binlog/index.js';
export { BINARYLOG_PROTO, encodeLogEntry, EventType, type LogEntry, LoggerSide, AddressType, logEntryType, looksLikeBinaryLog, readBinaryLog } from './binlog/index.js';
export type { Address as LogAddress, MetadataEntry as LogMetadataEntry, Seconds as LogSeconds } from './binlog/index.js';

// services/: the services a server ships (health, reflection, channelz's definition)
export { HEALTH_PROTO, HealthStatus, healthService, type ServingStatus } from './services/index.js';
export { CHANNELZ_PROTO, channelzService } from './services/index.js';
export { REFLECTION_PROTO, reflectionHandler, reflectionService, reflectionV1alphaService, reflectionV1alphaText } from './services/index.js';
export { type CorsOptions } from './protocols/index.js';

// server/: the server, its calls, interceptors and handler types, worker processes
export {
  Server, type ServerOptions, type Handler, type HandlersFor, type UnaryHandler, type ServerStreamingHandler, type ClientStreamingHandler, type BidiStreamingHandler,
} from './server/index.js';
export { ServerCall, type ServerInterceptor, type HandlerOf, type ServiceHandlers, isWorker, listenWithWorkers } from './server/index.js';

// channel/: targets, resolvers, subchannels, load balancing, service config
export { Channel, type ChannelOptions, type BackoffOptions, type ConnectivityState } from './channel/index.js';
export { builtInResolvers, lookupAll, StaticResolver, type Resolver, type ResolverFactory, type ResolverListener, type ResolverOptions } from './channel/index.js';
export { addressText, DEFAULT_PORT, parseHostPort, parseTarget, type SubchannelAddress, type Target } from './channel/index.js';
export type { RetryPolicy, RetryThrottling, ServiceConfig } from './channel/index.js';

// client/: the client, its calls and stubs, interceptors, retries, the reflection client
export { Client, createClient, type ClientOptions, type ServiceClient, type StubMethod, type TypedCalls, type TypedClient } from './client/index.js';
export { type CallOptions, ClientCall, type UnaryResult, USER_AGENT } from './client/index.js';
export { type ClientCallInfo, type ClientInterceptor, type ServiceStubs, type StubOf } from './client/index.js';
export { backoffMs, normalizeRetryPolicy, retryPolicyFor, RetryThrottle, reflect } from './client/index.js';
