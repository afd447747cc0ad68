import type { Connection, HeaderList } from '../../http2/index.js';
import type { CallTransport } from './client-stream.js';

// The seam through which a call is observed for metrics and tracing (gRFC A66, A72): a call asks the installed
// CallObservers for an observer when it starts and tells it what happens on the wire. With none installed a call
// makes nothing and checks one field per event (`if (this.observer)`), so telemetry that is off costs nothing.

/** What a call tells its observer about its messages, on either side. */
export interface MessageObserver {
  /**
   * A message went out: its octets as written, after compression and before the 5-octet gRPC prefix (gRFC A66's
   * "compressed message size").
   */
  messageSent(size: number): void;
  /** A whole message arrived: its octets as received, still compressed if it was, without the prefix. */
  messageReceived(size: number): void;
}

/** One server call, from its request headers to its status. */
export interface ServerCallObserver extends MessageObserver {
  /** The call ended with this status (sent by the server, or CANCELLED when the client went away). */
  callEnded(code: number): void;
}

/** One client call: its attempts (retries and transparent retries each make one), then the call's end. */
export interface ClientCallObserver extends MessageObserver {
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
   */
  callEnded(code: number): void;
}

/** What a server call is known by when it starts. */
export interface ServerCallStart {
  /** "/package.Service/Method" as the client asked for it. */
  path: string;
  /** Whether the server serves that method (gRFC A66 reports unregistered ones as "other"). */
  registered: boolean;
  /** The request's header block, for trace context. */
  headers: HeaderList;
  /** The connection it arrived on (channelz counts its messages there). */
  connection?: Connection;
}

/** What a client call is known by when it starts. */
export interface ClientCallStart {
  path: string;
  /** The channel's target URI with its scheme: "dns:///localhost:50051" (gRFC A66 grpc.target). */
  target: string;
}

/**
 * A source of observers, installed with a server's or a client's `telemetry` option (openTelemetry() makes one).
 * Either side may return undefined for a call it does not watch.
 */
export interface CallObservers {
  serverCall?(start: ServerCallStart): ServerCallObserver | undefined;
  clientCall?(start: ClientCallStart): ClientCallObserver | undefined;
}
