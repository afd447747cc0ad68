import { connectionError, ErrorCode, type Frame, FrameType } from '../frames/index.js';

/**
 * A field block arriving in a HEADERS frame and CONTINUATION frames (RFC 9113 §4.3, §6.10). Both its size and its
 * number of CONTINUATION frames (empty ones too) are bounded, so an endless run of CONTINUATION frames cannot
 * exhaust memory or CPU (the "CONTINUATION flood", CVE-2024-27316).
 */
export class HeaderBlock {
  private readonly fragments: Uint8Array[] = [];
  private size = 0;
  private continuations = 0;

  constructor(
    readonly streamId: number,
    readonly endStream: boolean,
    private readonly maxSize: number,
    private readonly maxContinuations: number,
    first: Uint8Array,
  ) {
    this.append(first);
  }

  /** A CONTINUATION frame's fragment. */
  add(fragment: Uint8Array): void {
    if (++this.continuations > this.maxContinuations) {
      throw connectionError(ErrorCode.ENHANCE_YOUR_CALM, `maxContinuationFrames: more than ${this.maxContinuations} CONTINUATION frames in one header block`);
    }
    this.append(fragment);
  }

  private append(fragment: Uint8Array): void {
    this.size += fragment.length;
    if (this.size > this.maxSize) throw connectionError(ErrorCode.ENHANCE_YOUR_CALM, `maxHeaderBlockSize: header block above ${this.maxSize} octets`);
    this.fragments.push(fragment);
  }

  /** The whole block, joined once. */
  join(): Uint8Array {
    return this.fragments.length === 1 ? this.fragments[0]! : Buffer.concat(this.fragments, this.size);
  }
}

/**
 * An encoded header block as frames (RFC 9113 §4.3): one HEADERS frame, and CONTINUATION frames for what does not
 * fit in the peer's SETTINGS_MAX_FRAME_SIZE. Only the HEADERS frame carries END_STREAM; the last frame END_HEADERS.
 */
export function headerBlockFrames(streamId: number, block: Uint8Array, endStream: boolean, maxFrameSize: number): Frame[] {
  if (block.length <= maxFrameSize) return [{ type: FrameType.HEADERS, streamId, endStream, endHeaders: true, headerBlock: block }];
  const frames: Frame[] = [{ type: FrameType.HEADERS, streamId, endStream, endHeaders: false, headerBlock: block.subarray(0, maxFrameSize) }];
  for (let at = maxFrameSize; at < block.length; at += maxFrameSize) {
    const end = Math.min(block.length, at + maxFrameSize);
    frames.push({ type: FrameType.CONTINUATION, streamId, endHeaders: end === block.length, headerBlock: block.subarray(at, end) });
  }
  return frames;
}

/**
 * The header block being assembled, if one is (RFC 9113 §6.10): between a HEADERS frame without END_HEADERS and
 * the CONTINUATION frame that ends it, no other frame may arrive on the connection.
 */
export class HeaderAssembly {
  /** The block still open, if any. */
  open: HeaderBlock | undefined;

  constructor(private readonly maxSize: number, private readonly maxContinuations: number) {}

  /** A HEADERS frame without END_HEADERS opens a block. */
  begin(streamId: number, endStream: boolean, fragment: Uint8Array): void {
    this.open = new HeaderBlock(streamId, endStream, this.maxSize, this.maxContinuations, fragment);
  }

  /** With a block open: throws unless `frame` is one of its CONTINUATION frames. */
  check(frame: Frame): void {
    if (frame.type === FrameType.CONTINUATION && frame.streamId === this.open!.streamId) return;
    throw connectionError(ErrorCode.PROTOCOL_ERROR, `a ${frame.type === FrameType.CONTINUATION ? 'CONTINUATION for another stream' : 'frame other than CONTINUATION'} arrived inside a header block`);
  }

  /** A CONTINUATION frame's fragment; the block once its END_HEADERS came. */
  continuation(fragment: Uint8Array, endHeaders: boolean): HeaderBlock | undefined {
    const block = this.open;
    if (!block) throw connectionError(ErrorCode.PROTOCOL_ERROR, 'CONTINUATION without a header block in progress');
    // the block is dropped before the error so a failed CONTINUATION does not leave it half-built
    this.open = undefined;
    block.add(fragment);
    if (endHeaders) return block;
    this.open = block;
    return undefined;
  }
}
