// The send side of streams (RFC 9113 §5.1, §5.1.2, §6.4, §6.9): what a stream's write, end and reset go through.
import { ErrorCode, FrameType } from '../frames/index.js';
import { DataScheduler, type DataSink } from './data-scheduler.js';
import { Fifo, type ReceiveWindow, type HeaderList, Http2Stream, type StreamHandler, type StreamIo, type StreamStore } from './stream/index.js';
import type { FrameOutput } from './frame-output.js';
import type { FrameWriter } from './frame-writer.js';
import type { Settings } from './settings.js';

/** What the send side needs of its connection beyond the frames: the connection builds it once. */
export interface SenderHost {
  /** The connection is closed: no WINDOW_UPDATE goes out any more. */
  readonly closed: boolean;
  /** New streams may be opened: no GOAWAY either way, ids not exhausted, not closed. */
  readonly acceptingStreams: boolean;
  /** RFC 9113 §5.1 transitions: closed both ways; closed by our RST_STREAM. */
  streamClosed(stream: Http2Stream): void;
  closeStream(stream: Http2Stream, cause: 'reset-sent'): void;
  /** The application used what a stream's DATA carried: the framing budget gets its charge back. */
  settle(stream: Http2Stream): void;
  /** DATA is queued that no flow-control window lets out: the stall timer runs until some is sent. */
  windowBlocked(): void;
}

/**
 * The send side of streams (as Rust h2's proto/streams/send.rs), and the StreamIo every stream of the connection
 * shares: opening our streams within the peer's SETTINGS_MAX_CONCURRENT_STREAMS (RFC 9113 §5.1.2), header blocks,
 * DATA under flow control (§6.9, through the DataScheduler), RST_STREAM (§6.4), and the WINDOW_UPDATE frames that
 * give back what the application consumed (§6.9.1).
 */
export class StreamSender implements StreamIo, DataSink {
  readonly data: DataScheduler;
  /** Our streams over the peer's MAX_CONCURRENT_STREAMS, in order. */
  private readonly waiting = new Fifo<Http2Stream>();

  constructor(
    private readonly host: SenderHost,
    private readonly out: FrameOutput,
    writer: FrameWriter,
    private readonly store: StreamStore,
    private readonly local: Settings,
    private readonly remote: Settings,
    private readonly receiveWindow: ReceiveWindow,
    highWaterMark: number,
  ) {
    this.data = new DataScheduler(this, writer, highWaterMark);
  }

  get highWaterMark(): number {
    return this.data.highWaterMark;
  }

  /** Streams waiting for the peer's MAX_CONCURRENT_STREAMS to allow them. */
  get waitingCount(): number {
    return this.waiting.length;
  }

  /** A new stream with the windows the two sides' SETTINGS give it. */
  stream(handler: StreamHandler): Http2Stream {
    return new Http2Stream(this, handler, this.remote.initialWindowSize, this.local.initialWindowSize);
  }

  /** Client: a new stream whose headers go out at once, or as soon as the peer's MAX_CONCURRENT_STREAMS allows. */
  request(handler: StreamHandler, headers: HeaderList, endStream: boolean): Http2Stream {
    const stream = this.stream(handler);
    stream.pendingOpen = { headers, endStream };
    if (this.store.activeLocal < this.remote.maxConcurrentStreams) this.open(stream);
    else this.waiting.push(stream);
    return stream;
  }

  private open(stream: Http2Stream): void {
    const { headers, endStream } = stream.pendingOpen!;
    stream.pendingOpen = undefined;
    this.store.add(stream);
    this.sendHeaders(stream, headers, endStream);
    if (stream.pendingBytes > 0 || stream.pendingEnd) this.data.flush(stream);
  }

  /** Opens the waiting streams that the peer's MAX_CONCURRENT_STREAMS now allows. */
  openWaiting(): void {
    while (this.waiting.length > 0 && this.store.activeLocal < this.remote.maxConcurrentStreams && this.host.acceptingStreams) {
      this.open(this.waiting.shift()!);
    }
  }

  /** The waiting streams fail, retryable: they never reached the peer (the connection closed, or GOAWAY). */
  refuseWaiting(reason: string): void {
    for (const stream of this.waiting.drain()) {
      stream.state = 'closed';
      stream.handler.onReset(stream, ErrorCode.REFUSED_STREAM, reason, true);
    }
  }

  /** A header block as HEADERS and, past the peer's SETTINGS_MAX_FRAME_SIZE, CONTINUATION frames. */
  sendHeaders(stream: Http2Stream, headers: HeaderList, endStream: boolean): void {
    if (stream.pendingOpen) throw new Error('headers were already given for a stream that is still waiting to open');
    if (stream.localClosed) throw new Error(`stream ${stream.id} is already closed for sending`);
    this.out.headers(stream.id, headers, endStream, this.remote.maxFrameSize, this.remote.maxHeaderListSize);
    if (endStream) this.closeLocal(stream);
  }

  write(stream: Http2Stream, data: Uint8Array, endStream: boolean): boolean {
    return this.data.write(stream, data, endStream);
  }

  end(stream: Http2Stream, trailers?: HeaderList): void {
    this.data.end(stream, trailers);
  }

  reset(stream: Http2Stream, code: number): void {
    if (stream.pendingOpen) {
      this.waiting.remove(stream);
      stream.pendingOpen = undefined;
      stream.state = 'closed';
      return;
    }
    if (stream.state === 'closed') return;
    // RFC 9113 §8.1: NO_ERROR asks the peer to stop sending "after sending a complete response": a response still
    // queued behind flow control goes first, or the peer would lose it
    if (code === 0 && stream.pendingEnd && !stream.localClosed) {
      stream.resetAfterEnd = true;
      return;
    }
    this.out.control({ type: FrameType.RST_STREAM, streamId: stream.id, errorCode: code });
    this.host.closeStream(stream, 'reset-sent');
  }

  /** RST_STREAM on a stream that is not live (refused, or malformed before it was opened): remembered as reset. */
  resetUnknown(streamId: number, code: number): void {
    this.out.control({ type: FrameType.RST_STREAM, streamId, errorCode: code });
    this.store.rememberReset(streamId);
  }

  /** The application consumed received DATA: give the window back, in batches. */
  consume(stream: Http2Stream, length: number): void {
    if (length <= 0 || this.host.closed) return;
    this.giveBackConnection(length);
    if (!stream.remoteClosed) {
      const own = stream.receiveWindow.consume(length);
      if (own > 0) this.out.frame({ type: FrameType.WINDOW_UPDATE, streamId: stream.id, increment: own });
    }
  }

  settle(stream: Http2Stream): void {
    this.host.settle(stream);
  }

  /** The connection's WINDOW_UPDATE (RFC 9113 §6.9): the streams waiting for window send what they now may. */
  windowUpdate(increment: number): void {
    this.data.window.increase(increment, 0);
    this.data.flushBlocked();
  }

  /** Credits the connection window for received DATA (consumed, or that no stream will consume). */
  giveBackConnection(length: number): void {
    const increment = this.receiveWindow.consume(length);
    if (increment > 0) this.out.frame({ type: FrameType.WINDOW_UPDATE, streamId: 0, increment });
  }

  // ---- DataSink: what the DataScheduler emits ---------------------------------------------------------------

  sendData(streamId: number, data: Uint8Array, endStream: boolean): void {
    this.out.data(streamId, data, endStream);
  }

  sendTrailers(stream: Http2Stream, trailers: HeaderList): void {
    this.sendHeaders(stream, trailers, true);
  }

  /** Our END_STREAM went out (RFC 9113 §5.1): half-closed (local), or closed if the peer's side was done. */
  closeLocal(stream: Http2Stream): void {
    stream.state = stream.state === 'half-closed (remote)' ? 'closed' : 'half-closed (local)';
    if (stream.state === 'closed') this.host.streamClosed(stream);
    else if (stream.resetAfterEnd) this.reset(stream, 0);
  }

  maxFrameSize(): number {
    return this.remote.maxFrameSize;
  }

  windowBlocked(): void {
    this.host.windowBlocked();
  }
}
