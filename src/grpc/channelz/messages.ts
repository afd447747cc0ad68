import type { CallCounts } from './call-counts.js';
import type { ChannelTrace } from './channel-trace.js';
import type { ChannelNode, ServerNode, SocketNode } from './nodes.js';
import { ipOctets, type SocketAddress, tlsInfo } from './socket-info.js';

// The entities as grpc.channelz.v1 messages (channelz.proto, field names as written there), for the service.

type Message = Record<string, unknown>;

/** google.protobuf.Timestamp of a Date.now() time; absent for 0 (never happened). */
function timestamp(ms: number): Message | undefined {
  if (ms === 0) return undefined;
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

const channelRef = (node: ChannelNode) => ({ channel_id: node.id, name: node.name });
const subchannelRef = (node: ChannelNode) => ({ subchannel_id: node.id, name: node.name });
export const socketRef = (node: SocketNode) => ({ socket_id: node.id, name: node.name });
export const serverRef = (node: ServerNode) => ({ server_id: node.id, name: node.name });

function trace(t: ChannelTrace): Message {
  return {
    num_events_logged: t.logged,
    creation_timestamp: timestamp(t.created),
    events: t.events.map((e) => ({
      description: e.description,
      severity: e.severity,
      timestamp: timestamp(e.timestamp),
      ...(e.child?.kind === 'channel' ? { channel_ref: { channel_id: e.child.id, name: e.child.name } } : {}),
      ...(e.child?.kind === 'subchannel' ? { subchannel_ref: { subchannel_id: e.child.id, name: e.child.name } } : {}),
    })),
  };
}

function calls(c: CallCounts): Message {
  return {
    calls_started: c.callsStarted,
    calls_succeeded: c.callsSucceeded,
    calls_failed: c.callsFailed,
    last_call_started_timestamp: timestamp(c.lastCallStarted),
  };
}

/** A Channel or a Subchannel message (they have the same fields). */
export function channelMessage(node: ChannelNode): Message {
  return {
    ref: node.kind === 'channel' ? channelRef(node) : subchannelRef(node),
    data: { state: { state: node.state }, target: node.name, trace: trace(node.trace), ...calls(node.calls) },
    subchannel_ref: [...node.subchannels.values()].map(subchannelRef),
    socket_ref: [...node.sockets.values()].map(socketRef),
  };
}

export function serverMessage(node: ServerNode): Message {
  return {
    ref: serverRef(node),
    data: { trace: trace(node.trace), ...calls(node.calls) },
    listen_socket: [...node.listenSockets.values()].map(socketRef),
  };
}

function address(a: SocketAddress | undefined): Message | undefined {
  if (!a) return undefined;
  if ('ip' in a) return { tcpip_address: { ip_address: ipOctets(a.ip), port: a.port } };
  if ('path' in a) return { uds_address: { filename: a.path } };
  return { other_address: { name: a.name } };
}

/** A Socket message: a connection's counts and windows, or a listen socket's address only. */
export function socketMessage(node: SocketNode): Message {
  const connection = node.connection;
  const message: Message = { ref: socketRef(node), local: address(node.local), remote: address(node.remote) };
  if (!connection) return { ...message, data: {} };
  const stats = connection.stats;
  const goaway = connection.goawayReceived;
  const tls = tlsInfo(connection.socket);
  return {
    ...message,
    data: {
      streams_started: stats?.streamsStarted ?? 0,
      streams_succeeded: stats?.streamsSucceeded ?? 0,
      streams_failed: stats?.streamsFailed ?? 0,
      messages_sent: node.messagesSent,
      messages_received: node.messagesReceived,
      keep_alives_sent: stats?.keepalivesSent ?? 0,
      last_local_stream_created_timestamp: timestamp(stats?.lastLocalStreamCreated ?? 0),
      last_remote_stream_created_timestamp: timestamp(stats?.lastRemoteStreamCreated ?? 0),
      last_message_sent_timestamp: timestamp(node.lastMessageSent),
      last_message_received_timestamp: timestamp(node.lastMessageReceived),
      // each endpoint's own receive window, as grpc-go and grpc-js report them: local is what the peer may still
      // send us, remote what we may still send it (channelz.proto's comments can be read the other way round)
      local_flow_control_window: { value: connection.receiveWindowSize },
      remote_flow_control_window: { value: connection.sendWindow },
      received_goaway_error: goaway ? { value: goaway.errorCode } : undefined,
      // channelz.proto: "Populated on client side only" (a server's peer sets no limit worth reporting)
      peer_max_concurrent_streams: connection.role === 'client' ? Math.min(connection.remote.maxConcurrentStreams, 0xffffffff) : undefined,
    },
    security: tls
      ? { tls: { ...(tls.standardName ? { standard_name: tls.standardName } : { other_name: tls.otherName ?? '' }), local_certificate: tls.localCertificate, remote_certificate: tls.remoteCertificate } }
      : undefined,
  };
}
