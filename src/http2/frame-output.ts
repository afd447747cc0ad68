import { dataFrameHeader, encodeFrame, type Frame, FrameType } from '../frames/index.js';
import { HpackEncoder } from '../hpack/index.js';
import type { FrameWriter } from './frame-writer.js';
import { headerBlockFrames } from './header-block.js';
import type { ConnectionObserver } from './observer.js';
import type { HeaderList } from './stream/index.js';

/**
 * The send side of the codec (as Rust h2's codec/framed_write.rs): frames encoded and handed to the FrameWriter,
 * each shown to the observer; header blocks HPACK-encoded (RFC 7541) and cut into HEADERS and CONTINUATION frames
 * (RFC 9113 §4.3); DATA sent as a 9-octet header plus the payload itself, never copied.
 */
export class FrameOutput {
  readonly hpack: HpackEncoder;
  private streamId = 0; // the stream whose block the HPACK observer is being told about

  constructor(
    private readonly writer: FrameWriter,
    /** The connection's observer, kept in step by the connection. */
    public observer: ConnectionObserver | undefined,
    maxTableSize: number,
  ) {
    const initial = observer;
    this.hpack = new HpackEncoder({
      maxTableSize,
      observer: initial?.hpack ? (event) => initial.hpack!({ direction: 'out', streamId: this.streamId, event }) : undefined,
    });
  }

  /** HEADERS blocks and DATA frames sent so far: the conversation the PING policy looks for (pings.ts). */
  sent = 0;

  frame(frame: Frame): void {
    const bytes = encodeFrame(frame);
    this.writer.push(bytes);
    if (this.observer?.frame) this.observer.frame({ direction: 'out', frame, bytes });
  }

  /** A frame the peer's frames made us owe (ACKs, RST_STREAM): counted while the peer does not read. */
  control(frame: Frame): void {
    const bytes = encodeFrame(frame);
    if (this.observer?.frame) this.observer.frame({ direction: 'out', frame, bytes });
    this.writer.pushControl(bytes);
  }

  /** Writes what is queued now rather than at the end of this turn. */
  flush(): void {
    this.writer.flush();
  }

  data(streamId: number, data: Uint8Array, endStream: boolean): void {
    this.sent++;
    const header = dataFrameHeader(streamId, data.length, endStream);
    this.writer.push(header);
    if (data.length > 0) this.writer.push(data);
    if (this.observer?.frame) this.observer.frame({ direction: 'out', frame: { type: FrameType.DATA, streamId, endStream, data }, bytes: Buffer.concat([header, data]) });
  }

  /**
   * A header block as HEADERS and, past the peer's SETTINGS_MAX_FRAME_SIZE, CONTINUATION frames. A list above the
   * peer's SETTINGS_MAX_HEADER_LIST_SIZE (RFC 9113 §6.5.2 accounting) is refused before anything is encoded.
   */
  headers(streamId: number, headers: HeaderList, endStream: boolean, maxFrameSize: number, maxHeaderListSize: number): void {
    if (Number.isFinite(maxHeaderListSize)) {
      let size = 0;
      for (const [k, v] of headers) size += k.length + v.length + 32;
      if (size > maxHeaderListSize) throw new Error(`header list of ${size} octets exceeds the peer's SETTINGS_MAX_HEADER_LIST_SIZE of ${maxHeaderListSize}`);
    }
    this.streamId = streamId;
    this.sent++;
    const block = this.hpack.encode(headers);
    if (block.length <= maxFrameSize) this.frame({ type: FrameType.HEADERS, streamId, endStream, endHeaders: true, headerBlock: block });
    else for (const frame of headerBlockFrames(streamId, block, endStream, maxFrameSize)) this.frame(frame);
  }
}
