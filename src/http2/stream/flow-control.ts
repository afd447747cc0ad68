import { ErrorCode, MAX_WINDOW_SIZE } from '../../frames/index.js';
import { connectionError, streamError } from '../../frames/index.js';

/**
 * One direction of one flow-control window (RFC 9113 §5.2, §6.9). For sending, `size` is what the peer lets us
 * send; for receiving, what we let the peer send. It may go negative when SETTINGS_INITIAL_WINDOW_SIZE shrinks.
 */
export class SendWindow {
  constructor(public size: number) {}

  /** RFC 9113 §6.9.1: a WINDOW_UPDATE that pushes a window beyond 2^31-1 is a FLOW_CONTROL_ERROR. */
  increase(increment: number, streamId: number): void {
    if (this.size + increment > MAX_WINDOW_SIZE) {
      const message = `window of ${this.size} + ${increment} exceeds 2^31-1`;
      throw streamId === 0 ? connectionError(ErrorCode.FLOW_CONTROL_ERROR, message) : streamError(ErrorCode.FLOW_CONTROL_ERROR, streamId, message);
    }
    this.size += increment;
  }
}

/**
 * What we let the peer send. Octets received shrink it; octets the application has consumed are given back in
 * WINDOW_UPDATE frames, batched until half the target window is owed, so that a slow reader pushes back on the
 * sender (RFC 9113 §5.2.2: flow control is for the receiver's buffers).
 */
export class ReceiveWindow {
  /** How much more the peer may send now. */
  available: number;
  private owed = 0; // consumed octets not yet returned in a WINDOW_UPDATE

  constructor(public target: number) {
    this.available = target;
  }

  /** Accounts for a received DATA frame's flow-controlled length; false when it overruns the window. */
  receive(length: number): boolean {
    if (length > this.available) return false;
    this.available -= length;
    return true;
  }

  /** The application consumed `length` octets: returns the WINDOW_UPDATE increment to send now, or 0. */
  consume(length: number): number {
    this.owed += length;
    if (this.owed < this.target / 2) return 0;
    const increment = this.owed;
    this.owed = 0;
    this.available += increment;
    return increment;
  }

  /** Raises the target window (and the window itself) by `delta`: the increment to send. */
  grow(delta: number): number {
    this.target += delta;
    this.available += delta;
    return delta;
  }
}
