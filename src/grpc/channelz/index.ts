// gRFC A14 channelz: what a process's channels, subchannels, servers and sockets are doing, kept in a
// ChannelzRegistry that the application (or a server's `channelz: true`) makes and passes through options, and
// answered by grpc.channelz.v1.Channelz (service.ts; the .proto ships in services/protos). Imports: call/.
// Channels and servers count through the call-observer seam; connections count their streams (http2's stats).
export { channelCallCounting, serverCallCounting } from './call-counting.js';
export { CallCounts } from './call-counts.js';
export { ChannelTrace, type ChildRef, type TraceEvent, type TraceSeverity } from './channel-trace.js';
export { ChannelNode, type ChannelzState, ServerNode, type SocketHints, SocketNode } from './nodes.js';
export { ChannelzRegistry, type ChannelzOptions, DEFAULT_MAX_PAGE_SIZE, DEFAULT_MAX_TRACE_EVENTS, DEFAULT_PAGE_SIZE, type Page } from './registry.js';
export { channelzHandlers } from './service.js';
export { type SocketAddress, type TlsInfo } from './socket-info.js';
