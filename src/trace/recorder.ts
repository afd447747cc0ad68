// Records what a connection reports through its observer seam, in order: frames with their octets, HPACK steps.
import type { Frame } from '../frames/index.js';
import type { HpackEvent } from '../hpack/index.js';
import type { ConnectionObserver, Direction, FrameTrace, HpackTrace } from '../http2/index.js';
import type { Http1Observer } from '../http1-connection/index.js';

/** One recorded event: a frame, an HPACK step, or an error. */
export type TraceEvent =
  | { kind: 'frame'; time: number; direction: Direction; frame: Frame; bytes: Uint8Array }
  | { kind: 'hpack'; time: number; direction: Direction; streamId: number; event: HpackEvent }
  | { kind: 'error'; time: number; message: string; streamId: number };

/** A ConnectionObserver that keeps every event, with the milliseconds since it was made. */
export class TraceRecorder implements ConnectionObserver {
  readonly events: TraceEvent[] = [];
  private readonly started = process.hrtime.bigint();

  private now(): number {
    return Number(process.hrtime.bigint() - this.started) / 1e6;
  }

  frame(trace: FrameTrace): void {
    // the octets are copied: a received frame's are a view of the socket's buffer
    this.events.push({ kind: 'frame', time: this.now(), direction: trace.direction, frame: trace.frame, bytes: Uint8Array.from(trace.bytes) });
  }

  hpack(trace: HpackTrace): void {
    this.events.push({ kind: 'hpack', time: this.now(), direction: trace.direction, streamId: trace.streamId, event: trace.event });
  }

  error(error: Error, streamId: number): void {
    this.events.push({ kind: 'error', time: this.now(), message: error.message, streamId });
  }
}

/** One observer that tells several (any of them undefined) everything. */
export function fanOut(...observers: Array<(ConnectionObserver & Http1Observer) | undefined>): ConnectionObserver & Http1Observer {
  const all = observers.filter((o): o is ConnectionObserver & Http1Observer => o !== undefined);
  return {
    preface: (d) => all.forEach((o) => o.preface?.(d)),
    frame: (t) => all.forEach((o) => o.frame?.(t)),
    hpack: (t) => all.forEach((o) => o.hpack?.(t)),
    error: (e, s) => all.forEach((o) => o.error?.(e, s)),
    closed: (e) => all.forEach((o) => o.closed?.(e)),
    http1: (d, b) => all.forEach((o) => o.http1?.(d, b)),
  };
}
