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

  constructor(
    private readonly max: number,
    private readonly grace: number,
  ) {}

  remember(id: number, cause: Exclude<CloseCause, 'forgotten'>): void {
    if (this.max <= 0) return;
    this.closed.delete(id);
    this.closed.set(id, cause === 'end' ? END : cause === 'reset-received' ? RESET_RECEIVED : performance.now());
    if (this.closed.size > this.max) this.closed.delete(this.closed.keys().next().value!);
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
