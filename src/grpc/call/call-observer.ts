import type { Connection, HeaderList } from '../../http2/index.js';
import type { CallTransport } from './client-stream.js';
import type { Metadata } from './metadata.js';

// The seam through which a call is observed for metrics and tracing (gRFC A66, A72), channelz's counts (A14) and
// binary logging (A16): a call asks the installed CallObservers for an observer when it starts and tells it what
// happens on the wire. With none installed a call makes nothing and checks one field per event
// (`if (this.observer)`), so observers that are off cost nothing. The content hooks (CallContentObserver) are
// optional: telemetry and channelz leave them out.

/** What a call tells its observer about its messages, on either side. */
export interface MessageObserver {
  /**
   * A message went out: its octets as written, after compression and before the 5-octet gRPC prefix (gRFC A66's
   * "compressed message size").
   */
  messageSent(size: number): void;
  /** A whole message arrived: its octets as received, still compressed if it was, without the prefix. */
  messageReceived(size: number): void;
  /** gRFC A16: a message's serialized octets as the application sent it, before compression. */
  messageOctetsSent?(message: Uint8Array): void;
  /** gRFC A16: a whole message's octets as they arrived, still compressed (with the call's grpc-encoding) when `compressed`. */
  messageOctetsReceived?(message: Uint8Array, compressed: boolean): void;
}

/**
 * What a binary log (gRFC A16) sees of a call besides its messages: the header blocks as they are on the wire, the
 * half-close, the cancellation. Every hook optional; a call checks for one before building what it would tell.
 */
export interface CallContentObserver {
  /** The response headers (not a Trailers-Only block): sent by the server, received by the client. */
  responseHeaders?(fields: HeaderList): void;
  /**
   * The trailers, or the Trailers-Only block: sent by the server (as its handler asked, even if the stream had gone),
   * received by the client (of the attempt the call ends with; a retried attempt's are not told).
   */
  trailers?(fields: HeaderList): void;
  /** The client's requests ended: on the client as it half-closes, on the server as END_STREAM arrives. */
  halfClosed?(): void;
  /** The call was cancelled: on the server the client reset its stream; on the client the application cancelled or the deadline passed. */
  cancelled?(): void;
}

/** One server call, from its request headers to its status. */
export interface ServerCallObserver extends MessageObserver, CallContentObserver {
  /** The call ended with this status (sent by the server, or CANCELLED when the client went away). */
  callEnded(code: number): void;
}

/** One client call: its attempts (retries and transparent retries each make one), then the call's end. */
export interface ClientCallObserver extends MessageObserver, CallContentObserver {
  /**
   * An attempt starts (`transparent` when it replays a stream the server never saw); returns header fields to add to
   * its request (trace context), or undefined. Messages told after this belong to this attempt.
   */
  attemptStarted(transparent: boolean): HeaderList | undefined;
  /**
   * The current attempt has its transport, picked by the channel (channelz: its subchannel and socket): an HTTP/2
   * Connection, or a subchannel's HTTP/1.1 pool (which channelz does not count as a socket).
   */
  attemptConnected?(transport: CallTransport): void;
  /** The current attempt ended with this status. */
  attemptEnded(code: number): void;
  /**
   * The call ended with this status: after its last attempt, or without one (no connection, cancelled early). An
   * attempt still open (the call was cancelled, its deadline passed, its stream closed) ends with it, same status.
   * `details`: the status message (a status the client made itself has no trailers to read it from).
   */
  callEnded(code: number, details?: string): void;
  /** An attempt has its connection: the server's address, "127.0.0.1:50051" or "::1:50051" (gRFC A16's peer). */
  connected?(peer: string): void;
}

/** What a server call is known by when it starts. */
export interface ServerCallStart {
  /** "/package.Service/Method" as the client asked for it. */
  path: string;
  /** Whether the server serves that method (gRFC A66 reports unregistered ones as "other"). */
  registered: boolean;
  /** The request's header block, for trace context (and a binary log's CLIENT_HEADER). */
  headers: HeaderList;
  /** The client's address, "127.0.0.1:53412" or "::1:53412": the port after the last colon (gRFC A16's peer). */
  peer?: string;
  /** The HTTP/2 connection it arrived on (channelz counts its messages there); none over HTTP/1.1. */
  connection?: Connection;
}

/** What a client call is known by when it starts. */
export interface ClientCallStart {
  path: string;
  /** The channel's target URI with its scheme: "dns:///localhost:50051" (gRFC A66 grpc.target). */
  target: string;
  /** The :authority the call's requests carry. */
  authority?: string;
  /** The call's own metadata, as the application gave it. */
  metadata?: Metadata;
  /** When the call must be done (epoch ms), if it has a deadline. */
  deadline?: number;
}

/**
 * gRFC A79 (metrics beyond any call): what a client channel tells of its subchannels' connections. `policy` is the
 * channel's load-balancing policy ("pick_first", "round_robin"): gRFC A78 counts pick_first's view apart.
 */
export interface ChannelObserver {
  /** A connection attempt ended: connected, or failed (refused, timed out, TLS). An attempt given up because the subchannel shut down is not told (gRFC A94). */
  connectionAttempt(succeeded: boolean, policy: string): void;
  /** A subchannel stopped using its connection, for `reason` in gRFC A94's grpc.disconnect_error words: "GOAWAY NO_ERROR", "connection reset", "subchannel shutdown"… */
  disconnected(reason: string, policy: string): void;
  /** An HTTP/2 connection of a subchannel opened (+1) or closed (-1): gRFC A94's open connections. */
  openConnections(delta: 1 | -1): void;
}

/**
 * A source of observers, installed with a server's or a client's `telemetry` option (openTelemetry() makes one).
 * Either side may return undefined for a call it does not watch; `channel` is asked once per client channel
 * (undefined: the channel's connections are not watched).
 */
export interface CallObservers {
  serverCall?(start: ServerCallStart): ServerCallObserver | undefined;
  clientCall?(start: ClientCallStart): ClientCallObserver | undefined;
  /** gRFC A79: the observer of a client channel's connections; `target` as gRFC A66's grpc.target. */
  channel?(target: string): ChannelObserver | undefined;
}
