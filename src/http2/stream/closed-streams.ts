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

/** Slots a table starts with; it grows (×4, up to `max`) as stream ids pass it. */
const FIRST_CAPACITY = 16;

/**
 * The closed streams among the most recent `max` stream ids of each side, each with its close cause and, for our
 * own resets, when we sent it: one slot per id modulo the capacity (ids grow, so a newer stream takes the slot of
 * an older one, which is forgotten). Two typed arrays (12 octets a slot), no hashing and no allocation per stream.
 * They start at 16 slots when the first stream closes and grow while ids pass the capacity, until `max`: a
 * connection that served a few calls holds 192 octets, not 12 KiB.
 */
export class ClosedStreams {
  private ids: Int32Array | undefined;
  /** The cause (END, RESET_RECEIVED) or the time of our RST_STREAM (performance.now()). */
  private values: Float64Array | undefined;
  private capacity = 0;

  constructor(
    private readonly max: number,
    private readonly grace: number,
  ) {}

  remember(id: number, cause: Exclude<CloseCause, 'forgotten'>): void {
    if (this.max <= 0) return;
    const n = id >>> 1;
    if (n >= this.capacity && this.capacity < this.max) this.grow(n);
    const slot = n % this.capacity;
    this.ids![slot] = id;
    this.values![slot] = cause === 'end' ? END : cause === 'reset-received' ? RESET_RECEIVED : performance.now();
  }

  /** A bigger table for ids up to n (or `max` slots), the entries kept at their new slots (the newer on a clash). */
  private grow(n: number): void {
    let capacity = Math.max(this.capacity, FIRST_CAPACITY);
    while (capacity <= n && capacity < this.max) capacity *= 4;
    capacity = Math.min(capacity, this.max);
    const ids = new Int32Array(capacity);
    const values = new Float64Array(capacity);
    for (let i = 0; i < this.capacity; i++) {
      const id = this.ids![i]!;
      if (id === 0) continue;
      const slot = (id >>> 1) % capacity;
      if (ids[slot]! > id) continue;
      ids[slot] = id;
      values[slot] = this.values![i]!;
    }
    this.ids = ids;
    this.values = values;
    this.capacity = capacity;
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
    const slot = (id >>> 1) % this.capacity;
    return this.ids[slot] === id ? this.values![slot] : undefined;
  }
}
