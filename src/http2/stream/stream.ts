// An HTTP/2 stream (RFC 9113 §5.1) as the layer above sees it; the connection's send side does its sending.
import { ReceiveWindow, SendWindow } from './flow-control.js';

/** RFC 9113 §5.1 stream states (the reserved states are not reachable: push is disabled). */
export type StreamState = 'idle' | 'open' | 'half-closed (local)' | 'half-closed (remote)' | 'closed';

/** A field block: name and value pairs in order, pseudo-header fields first. */
export type HeaderList = Array<[string, string]>;

/**
 * What the layer above (gRPC) is told about one stream. One object per stream, not one closure per event. `S` is
 * the stream as the handler sees it: this Http2Stream, or what a layer above puts in front of it (gRPC's CallStream).
 */
export interface StreamHandler<S = Http2Stream> {
  /** A complete header block: the first one (request or response headers) or, with endStream, trailers. */
  onHeaders(stream: S, headers: HeaderList, endStream: boolean): void;
  /** A DATA payload, a view of the socket's buffer; call stream.consume(n) once it has been processed. */
  onData(stream: S, data: Uint8Array, endStream: boolean): void;
  /**
   * The stream ended abnormally: RST_STREAM from the peer or a stream error (with its error code), GOAWAY above its
   * id (REFUSED_STREAM, retryable), or the connection died (CONNECTION_LOST).
   */
  onReset(stream: S, code: number, reason: string, retryable: boolean): void;
  /** The stream is closed both ways (after the last of the other callbacks). */
  onClose?(stream: S): void;
  /** Everything written has been handed to the socket: the producer may write more. */
  onDrain?(stream: S): void;
}

/** The code StreamHandler.onReset gets when the whole connection went away (closed, failed, keepalive timeout). */
export const CONNECTION_LOST = -1;

/**
 * What a stream asks of its connection: one object per connection (its send side), shared by all of its streams,
 * so that a stream holds no reference to the connection itself.
 */
export interface StreamIo {
  /** Octets queued on a stream before write() returns false. */
  readonly highWaterMark: number;
  sendHeaders(stream: Http2Stream, headers: HeaderList, endStream: boolean): void;
  write(stream: Http2Stream, data: Uint8Array, endStream: boolean): boolean;
  end(stream: Http2Stream, trailers?: HeaderList): void;
  reset(stream: Http2Stream, code: number): void;
  consume(stream: Http2Stream, length: number): void;
  /** The application has used what the stream's DATA frames carried: their framing charge is given back. */
  settle(stream: Http2Stream): void;
}

/** One HTTP/2 stream: its state, its two flow-control windows and the DATA waiting for window. */
export class Http2Stream {
  id = 0; // assigned when its HEADERS are sent (client) or arrive (server)
  state: StreamState = 'idle';
  readonly sendWindow: SendWindow;
  readonly receiveWindow: ReceiveWindow;
  /** DATA queued for sending, waiting for flow-control window. */
  pending: Uint8Array[] = [];
  pendingBytes = 0;
  /** END_STREAM to send after the pending DATA (with an empty DATA frame, or the trailers). */
  pendingEnd = false;
  pendingTrailers: HeaderList | undefined;
  /** RST_STREAM(NO_ERROR) asked for while our END_STREAM still waited: it follows that END_STREAM (RFC 9113 §8.1). */
  resetAfterEnd = false;
  /** Set once the first header block arrived (so the next one must be trailers). */
  headersReceived = false;
  /** RFC 9113 §8.1.1: the content-length the peer announced (-1: none), and the DATA octets received so far. */
  expectedLength = -1;
  receivedLength = 0;
  /** Open streams are counted against the peer's or our MAX_CONCURRENT_STREAMS. */
  counted = false;
  /** Client: the request headers of a stream waiting for MAX_CONCURRENT_STREAMS to allow it. */
  pendingOpen: { headers: HeaderList; endStream: boolean } | undefined;
  /** Arbitrary data of the layer above. */
  context: unknown;
  /** Overhead octets of small DATA frames received and not yet used by the application (limits.dataFramingBudget). */
  framingCharge = 0;
  /** The request's header list size (server), counted against limits.maxOpenHeaderListOctets while the stream is open. */
  headerOctets = 0;

  constructor(
    private readonly io: StreamIo,
    public handler: StreamHandler,
    sendWindow: number,
    receiveWindow: number,
  ) {
    this.sendWindow = new SendWindow(sendWindow);
    this.receiveWindow = new ReceiveWindow(receiveWindow);
  }

  /** Sends a header block (HEADERS, plus CONTINUATION if it is large); endStream half-closes. */
  sendHeaders(headers: HeaderList, endStream = false): void {
    this.io.sendHeaders(this, headers, endStream);
  }

  /**
   * Queues DATA; it goes out as flow control allows, in frames of at most the peer's SETTINGS_MAX_FRAME_SIZE.
   * Returns false when more than `highWaterMark` octets are waiting: wait for handler.onDrain before writing more.
   */
  write(data: Uint8Array, endStream = false): boolean {
    return this.io.write(this, data, endStream);
  }

  /** Ends our side: after the pending DATA, trailers with END_STREAM, or an empty DATA frame with END_STREAM. */
  end(trailers?: HeaderList): void {
    this.io.end(this, trailers);
  }

  /** RST_STREAM with this error code; the stream is closed at once. */
  reset(code: number): void {
    this.io.reset(this, code);
  }

  /**
   * The application has processed `length` octets of received DATA: flow-control window is given back. With `used`
   * false the octets are only being buffered (part of a message still incomplete), so the framing charge of the
   * small DATA frames that carried them stays (limits.dataFramingBudget).
   */
  consume(length: number, used = true): void {
    if (used && this.framingCharge > 0) this.io.settle(this);
    if (length > 0) this.io.consume(this, length);
  }

  /** Octets queued on this stream before write() returns false (the connection's highWaterMark option). */
  get highWaterMark(): number {
    return this.io.highWaterMark;
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  get localClosed(): boolean {
    return this.state === 'half-closed (local)' || this.state === 'closed';
  }

  get remoteClosed(): boolean {
    return this.state === 'half-closed (remote)' || this.state === 'closed';
  }
}
