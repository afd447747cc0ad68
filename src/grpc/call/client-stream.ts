import type { HeaderList, StreamHandler } from '../../http2/index.js';

/**
 * What a client call needs of the stream it runs on: an HTTP/2 stream as it is (gRPC), an HTTP/1.1 exchange dressed
 * as one, or a protocol's translation of either (gRPC-Web, Connect), which speaks gRPC over HTTP/2 to the call and its
 * own protocol on the wire. The client's twin of CallStream: `Http2Stream` is one as it stands.
 */
export interface ClientStream {
  readonly closed: boolean;
  readonly pendingBytes: number;
  readonly highWaterMark: number;
  /** Framed request octets; false when the caller should wait for onDrain. */
  write(data: Uint8Array, endStream?: boolean): boolean;
  /** Ends the request (END_STREAM). */
  end(): void;
  reset(code: number): void;
  /** The call has processed `length` octets of what onData gave it (flow control). */
  consume(length: number, used?: boolean): void;
}

/** What a client call is told about its stream: http2's StreamHandler, seen through a ClientStream. */
export type ClientStreamHandler = StreamHandler<ClientStream>;

/**
 * Where a client call opens its stream: an HTTP/2 connection (`Connection` is one as it stands) or a pool of HTTP/1.1
 * connections. The request headers are HTTP/2's (pseudo-headers first), whatever the transport.
 */
export interface CallTransport {
  readonly acceptingStreams: boolean;
  request(headers: HeaderList, handler: ClientStreamHandler): ClientStream;
}
