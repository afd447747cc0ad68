import { connectionError, ErrorCode, type Http2Error } from '../../frames/index.js';
import type { ConnectionLimits, Rate } from './limits.js';
import type { Http2Stream } from '../stream/index.js';

/**
 * A token bucket (as nghttp2's nghttp2_ratelim): up to `burst` actions at once, refilled at `perSecond`. Only
 * peer-triggered actions that cost us something go through one, never the DATA path.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(private readonly rate: Rate) {
    this.tokens = rate.burst;
    this.last = performance.now();
  }

  /** Takes one token; false when the bucket is empty (the peer is over its rate). */
  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.rate.burst, this.tokens + ((now - this.last) * this.rate.perSecond) / 1000);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * The peer's budgets for actions that cost us work but no flow-control window (RFC 9113 §10.5). Each method takes a
 * token or throws the connection error ENHANCE_YOUR_CALM naming the limit.
 */
export class PeerRates {
  // each bucket is made on the first action it counts: an idle connection holds none
  private resets: TokenBucket | undefined;
  private emptyData: TokenBucket | undefined;
  private priority: TokenBucket | undefined;
  private settings: TokenBucket | undefined;
  private glitches: TokenBucket | undefined;
  private framingDebt = 0; // octets of DATA framing overhead charged and not given back (dataFramingBudget)
  private framingAt = 0; // when time last gave some back

  constructor(private readonly limits: ConnectionLimits) {}

  /**
   * A DATA frame of `length` octets (padding excluded) on a live stream. One with no data is an empty frame; a
   * small one spends the framing budget, charged to its stream until the application has used it.
   */
  dataFrame(stream: Http2Stream, length: number, endStream: boolean): void {
    const { threshold, budget, perSecond } = this.limits.dataFramingBudget;
    if (length >= threshold) {
      if (this.framingDebt > 0) this.framingDebt = Math.max(0, this.framingDebt - threshold);
      return;
    }
    if (endStream) return; // the last frame of a stream cannot pile up behind it
    if (length === 0) return this.emptyDataFrame();
    const now = performance.now();
    if (this.framingDebt > 0) this.framingDebt = Math.max(0, this.framingDebt - ((now - this.framingAt) * perSecond) / 1000);
    this.framingAt = now;
    const cost = threshold - length;
    stream.framingCharge += cost;
    this.framingDebt += cost;
    if (this.framingDebt > budget) {
      throw calm('dataFramingBudget', `too many small DATA frames (under ${threshold} octets) whose data is not yet used: ${Math.round(this.framingDebt)} octets of overhead, over ${budget}`);
    }
  }

  /** The application has used what a stream's small DATA frames carried (or the stream closed): their charge is given back. */
  settle(stream: Http2Stream): void {
    this.framingDebt = Math.max(0, this.framingDebt - stream.framingCharge);
    stream.framingCharge = 0;
  }

  /** The peer reset a stream of its own (Rapid Reset, CVE-2023-44487). */
  streamReset(): void {
    if (!(this.resets ??= new TokenBucket(this.limits.streamResetRate)).take()) throw calm('streamResetRate', 'too many streams reset by the peer');
  }

  /** A DATA frame with no data (padding aside) and no END_STREAM (CVE-2019-9518). */
  emptyDataFrame(): void {
    if (!(this.emptyData ??= new TokenBucket(this.limits.emptyDataRate)).take()) throw calm('emptyDataRate', 'too many empty DATA frames');
  }

  priorityFrame(): void {
    if (!(this.priority ??= new TokenBucket(this.limits.priorityRate)).take()) throw calm('priorityRate', 'too many PRIORITY frames');
  }

  settingsFrame(): void {
    if (!(this.settings ??= new TokenBucket(this.limits.settingsRate)).take()) throw calm('settingsRate', 'too many SETTINGS frames');
  }

  /** A stream error the peer provoked (MadeYouReset, CVE-2025-8671). */
  glitch(): void {
    if (!(this.glitches ??= new TokenBucket(this.limits.glitchRate)).take()) throw calm('glitchRate', 'too many stream errors provoked by the peer');
  }
}

function calm(limit: string, what: string): Http2Error {
  return connectionError(ErrorCode.ENHANCE_YOUR_CALM, `${limit}: ${what}`);
}
