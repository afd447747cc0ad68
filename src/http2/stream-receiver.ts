import { connectionError, ErrorCode, errorCodeName, FrameType, type Http2Error, streamError } from '../frames/index.js';
import { HeaderListTooLargeError, type HpackDecoder } from '../hpack/index.js';
import { type ReceiveWindow, contentLength, headerValue, malformedReason, type HeaderList, type Http2Stream, type StreamHandler, type StreamStore } from './stream/index.js';
import type { ConnectionLimits, PeerRates } from './limits/index.js';
import type { ConnectionObserver } from './observer.js';
import type { StreamSender } from './stream-sender.js';

/** What the receiver needs of its connection: the connection builds it once. */
export interface ReceiverHost {
  readonly role: 'client' | 'server';
  /** We sent GOAWAY (RFC 9113 §6.8): new streams are ignored. */
  readonly goawaySent: boolean;
  /** The last-stream-id of the GOAWAY we sent (0 before). */
  readonly goawayLastStreamId: number;
  /** Our SETTINGS_MAX_CONCURRENT_STREAMS. */
  readonly maxConcurrentStreams: number;
  readonly observer: ConnectionObserver | undefined;
  readonly limits: ConnectionLimits;
  /** Server: the peer opened a stream with these request headers (the connection's 'stream' event). */
  opened(stream: Http2Stream, headers: HeaderList, endStream: boolean): void;
  /** RFC 9113 §5.1 transitions: closed both ways; closed by the peer's RST_STREAM. */
  streamClosed(stream: Http2Stream): void;
  closeStream(stream: Http2Stream, cause: 'reset-received'): void;
}

/**
 * The receive side of streams (as Rust h2's proto/streams/recv.rs): header blocks that open a stream, answer it or
 * end it with trailers; DATA against both windows and content-length; RST_STREAM; a stream's WINDOW_UPDATE; and any
 * of these on a stream that is already closed (RFC 9113 §5.1, §5.1.1, §5.1.2, §6.1, §6.9, §8.1). A violation is
 * thrown as the Http2Error the RFC names; the connection answers a connection error with GOAWAY and hands a stream
 * error back to streamError() for RST_STREAM.
 */
export class StreamReceiver {
  /** The stream whose header block is being decoded: what the HPACK observer is told. */
  decodingStreamId = 0;

  constructor(
    private readonly host: ReceiverHost,
    private readonly store: StreamStore,
    private readonly sender: StreamSender,
    private readonly rates: PeerRates,
    private readonly hpackIn: HpackDecoder,
    private readonly receiveWindow: ReceiveWindow,
  ) {}

  /** A whole header block (HEADERS plus any CONTINUATION) for `streamId`. */
  headerBlock(streamId: number, block: Uint8Array, endStream: boolean): void {
    // the block is decoded whatever becomes of the stream, so the HPACK table stays in step
    this.decodingStreamId = streamId;
    let headers: HeaderList;
    let tooLarge: HeaderListTooLargeError | undefined;
    try {
      headers = this.hpackIn.decode(block);
    } catch (err) {
      if (!(err instanceof HeaderListTooLargeError)) throw err;
      tooLarge = err;
      headers = [];
    }
    const { host, store } = this;
    let stream = store.get(streamId);
    if (!stream) {
      if (!store.isIdle(streamId)) return this.closedStream(FrameType.HEADERS, streamId);
      if (!store.isPeerInitiated(streamId) || host.role === 'client') {
        throw connectionError(ErrorCode.PROTOCOL_ERROR, `HEADERS on stream ${streamId}, which this ${host.role} never opened`);
      }
      if (host.goawaySent) {
        store.highestPeerId = streamId;
        return; // RFC 9113 §6.8: streams above the last-stream-id are ignored
      }
      if (store.activeRemote >= host.maxConcurrentStreams) {
        store.highestPeerId = streamId;
        // RFC 9113 §5.1.2: REFUSED_STREAM tells the client it may retry
        throw streamError(ErrorCode.REFUSED_STREAM, streamId, `more than SETTINGS_MAX_CONCURRENT_STREAMS ${host.maxConcurrentStreams} streams`);
      }
      const octets = headerListSize(headers);
      if (store.openHeaderOctets + octets > host.limits.maxOpenHeaderListOctets) {
        store.highestPeerId = streamId;
        throw streamError(ErrorCode.REFUSED_STREAM, streamId, `maxOpenHeaderListOctets: the open streams' header lists would hold more than ${host.limits.maxOpenHeaderListOctets} octets`);
      }
      stream = this.sender.stream(NO_HANDLER);
      store.add(stream, streamId, octets);
      if (tooLarge) return this.refuseTooLarge(stream, tooLarge);
      const malformed = malformedReason(headers, 'request');
      if (malformed) throw streamError(ErrorCode.PROTOCOL_ERROR, streamId, `malformed request: ${malformed}`);
      stream.headersReceived = true;
      stream.expectedLength = contentLength(headers);
      if (endStream) this.endOfData(stream);
      host.opened(stream, headers, endStream);
      return;
    }
    // RFC 9113 §5.1: a stream half-closed (remote) receives nothing more but WINDOW_UPDATE, PRIORITY, RST_STREAM
    if (stream.remoteClosed) throw streamError(ErrorCode.STREAM_CLOSED, streamId, `HEADERS after END_STREAM on stream ${streamId}`);
    if (tooLarge) return this.refuseTooLarge(stream, tooLarge);
    const trailers = stream.headersReceived;
    const status = !trailers && host.role === 'client' ? headerValue(headers, ':status') : undefined;
    // RFC 9113 §8.1: informational (1xx) responses are passed over; trailers must end the stream
    if (status && status.length === 3 && status[0] === '1' && !endStream) return;
    if (trailers && !endStream) throw streamError(ErrorCode.PROTOCOL_ERROR, streamId, `trailers without END_STREAM on stream ${streamId}`);
    const malformed = malformedReason(headers, trailers ? 'trailers' : host.role === 'client' ? 'response' : 'request');
    if (malformed) throw streamError(ErrorCode.PROTOCOL_ERROR, streamId, `malformed header block: ${malformed}`);
    if (!trailers && status !== '304') stream.expectedLength = contentLength(headers);
    stream.headersReceived = true;
    if (endStream) this.endOfData(stream);
    stream.handler.onHeaders(stream, headers, endStream);
    if (stream.state === 'closed') this.host.streamClosed(stream);
  }

  /** RFC 9113 §10.5.1: a server answers a header list above its limit with 431; a client resets the stream. */
  private refuseTooLarge(stream: Http2Stream, err: HeaderListTooLargeError): void {
    this.host.observer?.error?.(err, stream.id);
    if (this.host.role === 'server' && !stream.headersReceived) {
      stream.headersReceived = true;
      stream.sendHeaders([[':status', '431']], true);
      if (!stream.remoteClosed) stream.reset(ErrorCode.NO_ERROR);
      else this.host.streamClosed(stream);
      return;
    }
    stream.reset(ErrorCode.PROTOCOL_ERROR);
    stream.handler.onReset(stream, ErrorCode.PROTOCOL_ERROR, err.message, false);
  }

  data(frame: { streamId: number; endStream: boolean; data: Uint8Array; padding?: number }): void {
    const { streamId, data, endStream } = frame;
    // RFC 9113 §6.9.1: the whole payload, padding included, counts against both windows
    const length = data.length + (frame.padding === undefined ? 0 : frame.padding + 1);
    if (!this.receiveWindow.receive(length)) {
      throw connectionError(ErrorCode.FLOW_CONTROL_ERROR, `DATA of ${length} octets exceeds the connection window of ${this.receiveWindow.available}`);
    }
    const stream = this.store.get(streamId);
    if (!stream) {
      if (this.store.isIdle(streamId)) throw connectionError(ErrorCode.PROTOCOL_ERROR, `DATA on idle stream ${streamId}`);
      this.sender.giveBackConnection(length); // a closed stream: the octets still count for the connection
      return this.closedStream(FrameType.DATA, streamId);
    }
    this.rates.dataFrame(stream, data.length, endStream); // empty (padding aside) and small frames have budgets
    if (stream.remoteClosed) {
      this.sender.giveBackConnection(length);
      throw streamError(ErrorCode.STREAM_CLOSED, streamId, `DATA after END_STREAM on stream ${streamId}`);
    }
    if (!stream.headersReceived) {
      this.sender.giveBackConnection(length);
      throw streamError(ErrorCode.PROTOCOL_ERROR, streamId, `DATA before HEADERS on stream ${streamId}`);
    }
    if (!stream.receiveWindow.receive(length)) {
      this.sender.giveBackConnection(length);
      throw streamError(ErrorCode.FLOW_CONTROL_ERROR, streamId, `DATA of ${length} octets exceeds the window of stream ${streamId}`);
    }
    // padding is never delivered: its window goes back at once, but that is not the application using data, so the
    // stream's framing charge stays (else PADDED small frames would slip past dataFramingBudget)
    if (length > data.length) stream.consume(length - data.length, false);
    stream.receivedLength += data.length;
    if (stream.expectedLength >= 0 && stream.receivedLength > stream.expectedLength) this.lengthMismatch(stream);
    if (endStream) this.endOfData(stream);
    stream.handler.onData(stream, data, endStream);
    if (stream.state === 'closed') this.host.streamClosed(stream);
  }

  /** RFC 9113 §8.1.1: a request or response whose DATA disagrees with its content-length is malformed. */
  private lengthMismatch(stream: Http2Stream): never {
    throw streamError(ErrorCode.PROTOCOL_ERROR, stream.id, `content-length ${stream.expectedLength} disagrees with the ${stream.receivedLength} octets of DATA received`);
  }

  /** The peer's END_STREAM: the content-length must be met exactly, then the stream is half-closed (remote). */
  private endOfData(stream: Http2Stream): void {
    if (stream.expectedLength >= 0 && stream.receivedLength !== stream.expectedLength) this.lengthMismatch(stream);
    // RFC 9113 §5.1: half-closed (remote), or closed if our side was done
    stream.state = stream.state === 'half-closed (local)' ? 'closed' : 'half-closed (remote)';
  }

  rstStream(streamId: number, code: number): void {
    const stream = this.store.get(streamId);
    if (!stream) {
      if (this.store.isIdle(streamId)) throw connectionError(ErrorCode.PROTOCOL_ERROR, `RST_STREAM on idle stream ${streamId}`);
      return; // RFC 9113 §5.1: RST_STREAM may cross our END_STREAM or RST_STREAM
    }
    if (this.host.role === 'server') this.rates.streamReset();
    this.host.closeStream(stream, 'reset-received');
    // RFC 9113 §8.7: REFUSED_STREAM means the peer did no work on it: safe to retry
    stream.handler.onReset(stream, code, `stream reset by the peer with ${errorCodeName(code)}`, code === ErrorCode.REFUSED_STREAM);
  }

  /**
   * A stream error (RFC 9113 §5.4.2) found in what the peer sent: RST_STREAM, and the stream's handler told. A stream
   * that is not live (refused, or malformed before it opened) is remembered as reset.
   */
  streamError(err: Http2Error): void {
    this.host.observer?.error?.(err, err.streamId);
    const stream = this.store.get(err.streamId);
    if (stream) {
      this.sender.reset(stream, err.code);
      stream.handler.onReset(stream, err.code, err.message, false);
    } else {
      this.sender.resetUnknown(err.streamId, err.code);
    }
  }

  /** A stream's WINDOW_UPDATE (RFC 9113 §6.9): more may be sent; above 2^31-1 is a FLOW_CONTROL_ERROR. */
  windowUpdate(streamId: number, increment: number): void {
    const stream = this.store.get(streamId);
    if (!stream) {
      if (this.store.isIdle(streamId)) throw connectionError(ErrorCode.PROTOCOL_ERROR, `WINDOW_UPDATE on idle stream ${streamId}`);
      return; // RFC 9113 §5.1: WINDOW_UPDATE may cross our END_STREAM or RST_STREAM
    }
    stream.sendWindow.increase(increment, streamId);
    this.sender.data.flush(stream);
  }

  /**
   * RFC 9113 §5.1 "closed": DATA or HEADERS on a stream that is neither idle nor live. What it earns depends on
   * why the stream closed.
   */
  private closedStream(type: number, id: number): void {
    const { store } = this;
    // RFC 9113 §6.8: after our GOAWAY, streams above its last-stream-id are ignored
    if (this.host.goawaySent && store.isPeerInitiated(id) && id > this.host.goawayLastStreamId) return;
    const name = type === FrameType.DATA ? 'DATA' : 'HEADERS';
    const cause = store.closeCause(id);
    if (cause === 'reset-sent' && store.inResetGrace(id)) return; // sent before the peer saw our RST_STREAM
    if (cause === 'end') throw connectionError(ErrorCode.STREAM_CLOSED, `${name} on stream ${id}, closed by END_STREAM both ways`);
    if (type === FrameType.HEADERS && cause === 'forgotten' && store.isPeerInitiated(id)) {
      // RFC 9113 §5.1.1: a new stream's id must be above every id the peer used before
      throw connectionError(ErrorCode.PROTOCOL_ERROR, `HEADERS on stream ${id}, not above the last stream opened (${store.highestPeerId})`);
    }
    throw streamError(ErrorCode.STREAM_CLOSED, id, `${name} on closed stream ${id}`);
  }
}

/** A header list's size as RFC 9113 §6.5.2 counts it for SETTINGS_MAX_HEADER_LIST_SIZE: name + value + 32 a field. */
function headerListSize(headers: HeaderList): number {
  let octets = 0;
  for (let i = 0; i < headers.length; i++) octets += headers[i]![0].length + headers[i]![1].length + 32;
  return octets;
}

/** A server stream's handler until the 'stream' listener sets its own: anything it is told is dropped. */
const NO_HANDLER: StreamHandler = {
  onHeaders() {},
  onData(stream, data) {
    stream.consume(data.length);
  },
  onReset() {},
};
