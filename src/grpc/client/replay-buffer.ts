import { writePieces } from '../call/index.js';

/** Request messages already sent are kept (up to this many octets) so a refused or retried stream can replay them. */
const REPLAY_LIMIT = 64 * 1024;

/**
 * What a call has sent, framed, for the next attempt (gRPC A6: a retry, or a transparent retry after
 * REFUSED_STREAM): kept while it stays under REPLAY_LIMIT; past it, or once the response has begun, nothing is kept
 * and the call can no longer be replayed.
 */
export class ReplayBuffer {
  private readonly sent: Uint8Array[] = [];
  private octets = 0;
  private committed = false;

  /** True while everything sent so far is kept. */
  get replayable(): boolean {
    return !this.committed && this.octets <= REPLAY_LIMIT;
  }

  remember(framed: Uint8Array): void {
    if (!this.replayable) return;
    this.octets += framed.length;
    if (this.octets <= REPLAY_LIMIT) this.sent.push(framed);
    else this.sent.length = 0; // too much to replay: a refused stream will fail instead
  }

  /** The response began (gRPC A6: committed): no attempt will follow, what was kept is let go. */
  commit(): void {
    this.committed = true;
    this.sent.length = 0;
  }

  /** Sends again what was sent, END_STREAM with the last piece (or alone) when the requests had ended. */
  replay(stream: { write(data: Uint8Array, endStream?: boolean): boolean; end(): void }, ended: boolean): void {
    writePieces(stream, this.sent, ended);
    if (ended && this.sent.length === 0) stream.end();
  }
}
