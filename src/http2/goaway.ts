// GOAWAY (RFC 9113 §6.8) and how the connection's socket closes after it.
import type { Duplex } from 'node:stream';
import { ErrorCode, errorCodeName, FrameType, type GoawayFrame } from '../frames/index.js';
import type { FrameOutput } from './frame-output.js';
import type { FrameWriter } from './frame-writer.js';
import type { StreamStore, Http2Stream } from './stream/index.js';

/** How long a connection ended by an error keeps its socket open (reading nothing) so the peer can read our GOAWAY. */
const LINGER_MS = 250;

/** What GOAWAY handling needs of its connection: the connection builds it once. */
export interface GoAwayHost {
  /** A stream the peer's GOAWAY refused is closed (RFC 9113 §5.1). */
  closeStream(stream: Http2Stream, cause: 'reset-received'): void;
  /** The peer did not close its side in time after ours: the connection closes now. */
  destroy(): void;
}

/**
 * GOAWAY (RFC 9113 §6.8), as Rust h2's proto/go_away.rs: whether we sent one and with which last-stream-id, the
 * peer's if it sent one (our streams above its last-stream-id were not processed), and how the socket closes after
 * it: once what is queued is written (closeSoon), or after a short linger when an error ended the connection.
 */
export class GoAway {
  /** We sent GOAWAY: no new streams accepted. */
  sent = false;
  /** The last-stream-id of the GOAWAY we sent (0 before). */
  lastStreamId = 0;
  /** GOAWAY received from the peer: no new streams on this connection. */
  received: GoawayFrame | undefined;

  constructor(
    private readonly socket: Duplex,
    private readonly writer: FrameWriter,
    private readonly host: GoAwayHost,
  ) {}

  /** A GOAWAY went either way: the connection closes when its last stream does. */
  get either(): boolean {
    return this.sent || this.received !== undefined;
  }

  /** Sends GOAWAY: no stream above the last one the peer opened will be processed. */
  send(out: FrameOutput, code: number, debug: string, lastStreamId: number): void {
    this.sent = true;
    this.lastStreamId = lastStreamId;
    out.frame({ type: FrameType.GOAWAY, streamId: 0, lastStreamId, errorCode: code, debugData: Buffer.from(debug) });
  }

  /**
   * The peer's GOAWAY: our streams above its last-stream-id were not processed and may be retried elsewhere, so they
   * are refused (REFUSED_STREAM, retryable). Returns the reason they were given.
   */
  recv(frame: GoawayFrame, store: StreamStore): string {
    this.received = frame;
    const reason = `the server sent GOAWAY ${errorCodeName(frame.errorCode)}${frame.debugData.length ? ` (${Buffer.from(frame.debugData).toString('latin1')})` : ''}`;
    for (const stream of [...store.live.values()]) {
      if (!store.isPeerInitiated(stream.id) && stream.id > frame.lastStreamId) {
        this.host.closeStream(stream, 'reset-received');
        stream.handler.onReset(stream, ErrorCode.REFUSED_STREAM, reason, true);
      }
    }
    return reason;
  }

  /** Flushes what is queued, then closes the socket. */
  closeSoon(): void {
    this.writer.flush(true);
    this.socket.end();
    // a closing connection does not keep the process alive (what was written still goes out)
    (this.socket as Duplex & { unref?: () => void }).unref?.();
    // a peer that never closes its side must not keep us open
    setTimeout(() => {
      this.host.destroy();
      this.socket.destroy();
    }, 1000).unref();
  }

  /**
   * After an error GOAWAY: closing at once with its octets unread would reset the TCP connection and could discard
   * the GOAWAY before the peer reads it, so nothing more is read and the socket closes after LINGER_MS.
   */
  linger(): void {
    this.socket.pause();
    setTimeout(() => this.socket.destroy(), LINGER_MS).unref();
  }
}
