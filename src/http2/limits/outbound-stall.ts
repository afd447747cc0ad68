// RFC 9113 §10.5: a peer that leaves us unable to send what we owe it, for longer than outboundStallTimeout.
import { connectionError, ErrorCode, type Http2Error } from '../../frames/index.js';

/** What the stall timers watch: whether DATA still waits, and how many DATA frames have gone out so far. */
export interface StallProgress {
  readonly waiting: boolean;
  readonly framesSent: number;
}

/**
 * Two ways a peer makes us hold what we owe it: it stops reading the socket (CVE-2019-9517: our output passes
 * maxOutboundBuffer, and we stop reading it until it drains), or it never opens a flow-control window for the DATA
 * we have queued ("HTTP/2 Bomb", 2026: requests taken in, their answers held). Either lasting `timeout` ms fails
 * the connection with ENHANCE_YOUR_CALM naming outboundStallTimeout. One timer each, started when the stall starts.
 */
export class OutboundStall {
  private pressureTimer: NodeJS.Timeout | undefined;
  private windowTimer: NodeJS.Timeout | undefined;
  private framesAtStart = 0;

  constructor(
    private readonly timeout: number,
    private readonly progress: StallProgress,
    private readonly fail: (error: Http2Error) => void,
  ) {}

  /** Our output passed maxOutboundBuffer (high) or drained below it. */
  pressure(high: boolean): void {
    if (!high) {
      clearTimeout(this.pressureTimer);
      this.pressureTimer = undefined;
      return;
    }
    this.pressureTimer ??= setTimeout(() => this.fail(stalled(`the peer read nothing for ${this.timeout} ms`)), this.timeout);
  }

  /** DATA waits for a window the peer has not opened: unless some DATA goes out within the timeout, it fails. */
  windowBlocked(): void {
    if (this.windowTimer) return;
    this.framesAtStart = this.progress.framesSent;
    this.windowTimer = setTimeout(() => this.check(), this.timeout);
    this.windowTimer.unref();
  }

  stop(): void {
    clearTimeout(this.pressureTimer);
    clearTimeout(this.windowTimer);
  }

  private check(): void {
    this.windowTimer = undefined;
    if (!this.progress.waiting) return;
    if (this.progress.framesSent === this.framesAtStart) {
      return this.fail(stalled(`the peer opened no flow-control window for ${this.timeout} ms while DATA waited`));
    }
    this.windowBlocked(); // some went out: watch the next period
  }
}

function stalled(what: string): Http2Error {
  return connectionError(ErrorCode.ENHANCE_YOUR_CALM, `outboundStallTimeout: ${what}`);
}
