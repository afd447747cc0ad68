/**
 * Why a stream closed (RFC 9113 §5.1 "closed"), which decides how a late frame on it is answered:
 * - 'end': END_STREAM both ways; DATA or HEADERS afterwards are a connection error STREAM_CLOSED;
 * - 'reset-sent': we sent RST_STREAM; what the peer had already sent is ignored for a grace period;
 * - 'reset-received': the peer sent RST_STREAM; anything but PRIORITY afterwards is a stream error STREAM_CLOSED;
 * - 'forgotten': closed long ago (or never opened and implicitly closed by a higher id, RFC 9113 §5.1.1).
 */
export type CloseCause = 'end' | 'reset-sent' | 'reset-received' | 'forgotten';

const END = -1;
const RESET_RECEIVED = -2;

/**
 * The most recently closed streams, bounded (oldest forgotten first), each with its close cause and, for our own
 * resets, when we sent it. One number per stream: the cause, or the time of our RST_STREAM.
 */
export class ClosedStreams {
  private readonly closed = new Map<number, number>();
  /** The ids in the order they closed, a ring: the oldest is overwritten (and forgotten) first. */
  private readonly order: Float64Array;
  private next = 0;

  constructor(
    private readonly max: number,
    private readonly grace: number,
  ) {
    this.order = new Float64Array(Math.max(0, max));
  }

  remember(id: number, cause: Exclude<CloseCause, 'forgotten'>): void {
    if (this.max <= 0) return;
    const value = cause === 'end' ? END : cause === 'reset-received' ? RESET_RECEIVED : performance.now();
    if (!this.closed.has(id)) {
      if (this.closed.size >= this.max) this.closed.delete(this.order[this.next]!);
      this.order[this.next] = id;
      this.next = (this.next + 1) % this.max;
    }
    this.closed.set(id, value);
  }

  cause(id: number): CloseCause {
    const value = this.closed.get(id);
    if (value === undefined) return 'forgotten';
    if (value === END) return 'end';
    if (value === RESET_RECEIVED) return 'reset-received';
    return 'reset-sent';
  }

  /** We reset `id` recently enough that frames the peer sent before seeing it are still expected. */
  inResetGrace(id: number): boolean {
    const value = this.closed.get(id);
    return value !== undefined && value >= 0 && performance.now() - value < this.grace;
  }
}
