import { SendWindow, type HeaderList, type Http2Stream } from './stream/index.js';
import type { FrameWriter } from './frame-writer.js';
import { PROTOCOL_DEFAULTS } from './settings.js';

/** What the scheduler needs from the send side of its connection (StreamSender). */
export interface DataSink {
  /** Emits one DATA frame (header, then the payload itself: never copied). */
  sendData(streamId: number, data: Uint8Array, endStream: boolean): void;
  /** Emits trailers with END_STREAM. */
  sendTrailers(stream: Http2Stream, trailers: HeaderList): void;
  /** Our side of the stream is done (RFC 9113 §5.1 half-closed (local) or closed). */
  closeLocal(stream: Http2Stream): void;
  /** The peer's SETTINGS_MAX_FRAME_SIZE. */
  maxFrameSize(): number;
  /** A stream has DATA that no flow-control window lets out (the socket could take more). */
  windowBlocked(): void;
}

/**
 * Outbound DATA under flow control (RFC 9113 §5.2, §6.9): each stream's queued octets go out in frames no larger
 * than the peer's SETTINGS_MAX_FRAME_SIZE, never beyond the connection's or the stream's window, and never while
 * the socket's own buffer is full. Streams that still have data wait in `blocked` for a WINDOW_UPDATE or 'drain'.
 */
export class DataScheduler {
  /** The connection-level send window. */
  readonly window = new SendWindow(PROTOCOL_DEFAULTS.initialWindowSize);
  private readonly blocked = new Set<Http2Stream>();
  /** DATA frames sent so far: the stall timer's measure of progress. */
  framesSent = 0;

  constructor(
    private readonly sink: DataSink,
    private readonly writer: FrameWriter,
    readonly highWaterMark: number,
  ) {}

  /** Queues DATA; false when more than highWaterMark octets wait (the producer should wait for onDrain). */
  write(stream: Http2Stream, data: Uint8Array, endStream: boolean): boolean {
    if (stream.localClosed || stream.pendingEnd) throw new Error(`stream ${stream.id} is already closed for sending`);
    if (data.length > 0) {
      stream.pending.push(data);
      stream.pendingBytes += data.length;
    }
    if (endStream) stream.pendingEnd = true;
    if (stream.id !== 0) this.flush(stream);
    return stream.pendingBytes < this.highWaterMark;
  }

  /** Ends our side after the queued DATA: with trailers, or an empty DATA frame with END_STREAM. */
  end(stream: Http2Stream, trailers?: HeaderList): void {
    if (stream.localClosed || stream.pendingEnd) return;
    stream.pendingEnd = true;
    stream.pendingTrailers = trailers;
    if (stream.id !== 0) this.flush(stream);
  }

  /** Sends as much queued DATA as both windows allow, then the stream's end if it is due. */
  flush(stream: Http2Stream): void {
    if (stream.localClosed) return;
    const wasFull = stream.pendingBytes >= this.highWaterMark;
    while (stream.pending.length > 0 && !this.writer.blocked) {
      const allowed = Math.min(this.window.size, stream.sendWindow.size, this.sink.maxFrameSize());
      if (allowed <= 0) break;
      const head = stream.pending[0]!;
      const chunk = head.length <= allowed ? head : head.subarray(0, allowed);
      if (chunk === head) stream.pending.shift();
      else stream.pending[0] = head.subarray(allowed);
      stream.pendingBytes -= chunk.length;
      this.window.size -= chunk.length;
      stream.sendWindow.size -= chunk.length;
      const last = stream.pending.length === 0 && stream.pendingEnd && !stream.pendingTrailers;
      this.sink.sendData(stream.id, chunk, last);
      this.framesSent++;
      if (last) {
        this.sink.closeLocal(stream);
        break;
      }
    }
    if (stream.pending.length === 0 && stream.pendingEnd && !stream.localClosed) {
      if (stream.pendingTrailers) {
        this.sink.sendTrailers(stream, stream.pendingTrailers);
      } else {
        this.sink.sendData(stream.id, new Uint8Array(0), true);
        this.sink.closeLocal(stream);
      }
    }
    if (stream.pending.length > 0) {
      this.blocked.add(stream);
      if (!this.writer.blocked) this.sink.windowBlocked();
    }
    else this.blocked.delete(stream);
    if (wasFull && stream.pendingBytes < this.highWaterMark) stream.handler.onDrain?.(stream);
  }

  /** After a WINDOW_UPDATE, a larger initial window or the socket's 'drain': the waiting streams, in order. */
  flushBlocked(): void {
    for (const stream of [...this.blocked]) {
      if (this.window.size <= 0 || this.writer.blocked) break;
      this.flush(stream);
    }
  }

  /** True while some stream has DATA waiting (for window, or for the socket). */
  get waiting(): boolean {
    return this.blocked.size > 0;
  }

  /** The stream closed: drop what it still had queued. */
  forget(stream: Http2Stream): void {
    stream.pending = [];
    stream.pendingBytes = 0;
    this.blocked.delete(stream);
  }
}
