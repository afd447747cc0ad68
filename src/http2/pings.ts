import { FrameType, type PingFrame } from '../frames/index.js';
import type { FrameOutput } from './frame-output.js';

/** Outstanding PINGs of ours (RFC 9113 §6.7), matched to their ACKs by their opaque data. */
export class PingTracker {
  private waiting: Map<string, { started: bigint; resolve: (rtt: number) => void; reject: (e: Error) => void }> | undefined; // made on the first ping
  private counter = 0;

  /** New opaque data, and a promise of the round-trip time in milliseconds once its ACK arrives. */
  start(): { data: Buffer; rtt: Promise<number> } {
    const data = Buffer.alloc(8);
    data.writeUInt32BE(++this.counter, 4);
    const rtt = new Promise<number>((resolve, reject) => {
      (this.waiting ??= new Map()).set(data.toString('hex'), { started: process.hrtime.bigint(), resolve, reject });
    });
    return { data, rtt };
  }

  /** A PING ACK arrived; an ACK we did not ask for is ignored. */
  acknowledged(data: Uint8Array): void {
    const key = Buffer.from(data).toString('hex');
    const ping = this.waiting?.get(key);
    if (!ping) return;
    this.waiting!.delete(key);
    ping.resolve(Number(process.hrtime.bigint() - ping.started) / 1e6);
  }

  /** The connection closed: every outstanding ping fails. */
  failAll(error: Error): void {
    if (!this.waiting) return;
    for (const ping of this.waiting.values()) ping.reject(error);
    this.waiting.clear();
  }
}

/**
 * gRPC keepalive.md's ping policy on the receiving side: PINGs closer together than `minInterval` (ms) while no
 * stream is open are strikes; more than `maxStrikes` of them and the peer is told ENHANCE_YOUR_CALM
 * "too_many_pings". As grpc-go's server, HEADERS or DATA we sent since the last PING clear the strikes: a peer in a
 * conversation is not idling on pings (Go's HTTP/2 client PINGs after each stream it resets). A `minInterval` of 0
 * allows any PING.
 */
export class PingPolicy {
  private last = 0;
  private strikes = 0;
  private sentAtLast = 0;

  constructor(
    private readonly minInterval: number,
    private readonly maxStrikes: number,
  ) {}

  /** A PING arrived (`sent`: HEADERS and DATA frames we have sent so far); false when the peer has now struck out. */
  allow(streamsOpen: number, sent: number): boolean {
    if (this.minInterval <= 0) return true;
    const now = Date.now();
    if (sent !== this.sentAtLast) this.strikes = 0;
    else if (this.last !== 0 && now - this.last < this.minInterval && streamsOpen === 0) this.strikes++;
    this.sentAtLast = sent;
    this.last = now;
    return this.strikes <= this.maxStrikes;
  }
}

/**
 * The PINGs of one connection (RFC 9113 §6.7), as Rust h2's proto/ping_pong.rs: the peer's answered at once with an
 * ACK, unless the ping policy finds it has sent too many; ours sent when asked and matched to their ACKs.
 */
export class Pings {
  private readonly ours = new PingTracker();
  private readonly policy: PingPolicy;

  constructor(minInterval: number, maxStrikes: number) {
    this.policy = new PingPolicy(minInterval, maxStrikes);
  }

  /** Sends a PING; resolves with the round-trip time in milliseconds. */
  send(out: FrameOutput): Promise<number> {
    const { data, rtt } = this.ours.start();
    out.frame({ type: FrameType.PING, streamId: 0, ack: false, data });
    return rtt;
  }

  /**
   * A PING from the peer, answered promptly, or the ACK of one of ours. False when the peer struck out (gRPC
   * keepalive.md: the connection answers GOAWAY ENHANCE_YOUR_CALM "too_many_pings").
   */
  recv(frame: PingFrame, out: FrameOutput, streamsOpen: number): boolean {
    if (frame.ack) {
      this.ours.acknowledged(frame.data);
      return true;
    }
    if (!this.policy.allow(streamsOpen, out.sent)) return false;
    out.control({ type: FrameType.PING, streamId: 0, ack: true, data: Buffer.from(frame.data) });
    out.flush(); // RFC 9113 §6.7: answer PINGs promptly
    return true;
  }

  /** The connection closed: every outstanding PING of ours fails. */
  failAll(error: Error): void {
    this.ours.failAll(error);
  }
}
