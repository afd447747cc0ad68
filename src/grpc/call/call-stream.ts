import type { HeaderList, StreamHandler } from '../../http2/index.js';

/**
 * What a call needs of the stream it runs on: an HTTP/2 stream as it is (gRPC), or a protocol's translation of one
 * (gRPC-Web, Connect), which speaks gRPC over HTTP/2 to the call and its own protocol on the wire, as Envoy's
 * grpc_web filter does. `Http2Stream` is one as it stands.
 */
export interface CallStream {
  handler: CallStreamHandler;
  readonly closed: boolean;
  readonly remoteClosed: boolean;
  readonly pendingBytes: number;
  readonly highWaterMark: number;
  /** Response headers, or with endStream a Trailers-Only response (gRPC PROTOCOL-HTTP2). */
  sendHeaders(headers: HeaderList, endStream?: boolean): void;
  /** Framed message octets; false when the caller should wait for onDrain. */
  write(data: Uint8Array, endStream?: boolean): boolean;
  /** Ends the response with these trailers (grpc-status, grpc-message, metadata). */
  end(trailers?: HeaderList): void;
  reset(code: number): void;
  /** The call has processed `length` octets of what onData gave it (flow control). */
  consume(length: number, used?: boolean): void;
}

/** What a call is told about its stream: http2's StreamHandler, seen through a CallStream. */
export type CallStreamHandler = StreamHandler<CallStream>;

/** A handler for a stream whose call is over or never began: what arrives is credited and dropped. */
export const DISCARD: CallStreamHandler = {
  onHeaders() {},
  onData(stream, data) {
    stream.consume(data.length);
  },
  onReset() {},
};
