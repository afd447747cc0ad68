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
 * The closed streams among the most recent `max` stream ids of each side, each with its close cause and, for our
 * own resets, when we sent it: one slot per id modulo `max` (ids grow, so a newer stream takes the slot of one
 * `max` ids older, which is forgotten). Two typed arrays (12 octets a slot, allocated when the first stream closes),
 * no hashing and no allocation per stream.
 */
export class ClosedStreams {
  /** Allocated when the first stream closes, so an idle connection holds none of it. */
  private ids: Int32Array | undefined;
  /** The cause (END, RESET_RECEIVED) or the time of our RST_STREAM (performance.now()). */
  private values: Float64Array | undefined;

  constructor(
    private readonly max: number,
    private readonly grace: number,
  ) {}

  remember(id: number, cause: Exclude<CloseCause, 'forgotten'>): void {
    if (this.max <= 0) return;
    if (!this.ids) {
      this.ids = new Int32Array(this.max);
      this.values = new Float64Array(this.max);
    }
    const slot = (id >>> 1) % this.max;
    this.ids[slot] = id;
    this.values![slot] = cause === 'end' ? END : cause === 'reset-received' ? RESET_RECEIVED : performance.now();
  }

  cause(id: number): CloseCause {
    const value = this.lookup(id);
    if (value === undefined) return 'forgotten';
    if (value === END) return 'end';
    if (value === RESET_RECEIVED) return 'reset-received';
    return 'reset-sent';
  }

  /** We reset `id` recently enough that frames the peer sent before seeing it are still expected. */
  inResetGrace(id: number): boolean {
    const value = this.lookup(id);
    return value !== undefined && value >= 0 && performance.now() - value < this.grace;
  }

  private lookup(id: number): number | undefined {
    if (!this.ids) return undefined;
    const slot = (id >>> 1) % this.max;
    return this.ids[slot] === id ? this.values![slot] : undefined;
  }
}
