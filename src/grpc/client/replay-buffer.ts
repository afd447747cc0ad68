import { type MessageObserver, writePieces } from '../call/index.js';

/** Request messages already sent are kept (up to this many octets) so a refused or retried stream can replay them. */
export const REPLAY_LIMIT = 64 * 1024;

/**
 * What a call has sent, framed, for the next attempt (gRPC A6: a retry, or a transparent retry after
 * REFUSED_STREAM): kept while it stays under REPLAY_LIMIT; past it, or once the response has begun, nothing is kept
 * and the call can no longer be replayed.
 */
export class ReplayBuffer {
  private readonly sent: Uint8Array[] = [];
  /** Each message's payload size as told to a call observer (kept only when there is one: gRFC A66). */
  private readonly sizes: number[] | undefined;
  private octets = 0;
  private committed = false;

  constructor(observed: boolean) {
    this.sizes = observed ? [] : undefined;
  }

  /** True while everything sent so far is kept. */
  get replayable(): boolean {
    return !this.committed && this.octets <= REPLAY_LIMIT;
  }

  /** Keeps one message's framed pieces; `size` is its payload's octets (for the observer). */
  remember(pieces: Uint8Array[], size: number): void {
    if (!this.replayable) return;
    for (const piece of pieces) this.octets += piece.length;
    if (this.octets > REPLAY_LIMIT) return this.drop(); // too much to replay: a refused stream will fail instead
    for (const piece of pieces) this.sent.push(piece);
    this.sizes?.push(size);
  }

  /** The response began (gRPC A6: committed): no attempt will follow, what was kept is let go. */
  commit(): void {
    this.committed = true;
    this.drop();
  }

  /** Sends again what was sent, END_STREAM with the last piece (or alone) when the requests had ended. */
  replay(stream: { write(data: Uint8Array, endStream?: boolean): boolean; end(): void }, ended: boolean, observer: MessageObserver | undefined): void {
    writePieces(stream, this.sent, ended);
    if (ended && this.sent.length === 0) stream.end();
    if (observer && this.sizes) for (const size of this.sizes) observer.messageSent(size);
  }

  private drop(): void {
    this.sent.length = 0;
    if (this.sizes) this.sizes.length = 0;
  }
}
