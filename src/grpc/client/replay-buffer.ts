import type { MessageObserver } from '../call/index.js';

/** Request messages already sent are kept (up to this many octets) so a refused stream can be replayed. */
const REPLAY_LIMIT = 64 * 1024;

/**
 * The request messages a call has sent, kept framed so that another attempt (gRPC A6 retries, or a transparent
 * retry after REFUSED_STREAM) can send them again: up to REPLAY_LIMIT octets, past which the call cannot be
 * replayed at all. Once the call commits (response headers arrived) they are dropped.
 */
export class ReplayBuffer {
  private readonly pieces: Uint8Array[] = [];
  /** Each message's size as told to a call observer (kept only when there is one). */
  private readonly sizes: number[] | undefined;
  private bytes = 0;

  constructor(observed: boolean) {
    this.sizes = observed ? [] : undefined;
  }

  /** True while everything sent is kept. */
  get replayable(): boolean {
    return this.bytes <= REPLAY_LIMIT;
  }

  /** Keeps one message's framed pieces; `size` is its payload's octets (for the observer). */
  remember(pieces: Uint8Array[], size: number): void {
    if (this.bytes > REPLAY_LIMIT) return;
    for (const piece of pieces) this.bytes += piece.length;
    if (this.bytes > REPLAY_LIMIT) return this.clear(); // too much to replay: a refused stream will fail instead
    for (const piece of pieces) this.pieces.push(piece);
    this.sizes?.push(size);
  }

  /** Drops what is kept (the call committed, or outgrew the limit). */
  clear(): void {
    this.pieces.length = 0;
    if (this.sizes) this.sizes.length = 0;
  }

  /** Writes every kept piece to a new attempt's stream, END_STREAM after the last when the requests are done. */
  replay(stream: { write(data: Uint8Array, endStream?: boolean): boolean; end(): void }, requestsDone: boolean, observer: MessageObserver | undefined): void {
    this.pieces.forEach((bytes, i) => stream.write(bytes, requestsDone && i === this.pieces.length - 1));
    if (requestsDone && this.pieces.length === 0) stream.end();
    if (observer && this.sizes) for (const size of this.sizes) observer.messageSent(size);
  }
}
