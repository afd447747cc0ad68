import { ErrorCode, Flag, FrameType } from './constants.js';
import { connectionError } from './errors.js';
import type { ContinuationFrame } from './frame.js';
import { allocFrame, type FrameHeader } from './header.js';

/** RFC 9113 §6.10 */
export function parseContinuation(header: FrameHeader, payload: Uint8Array): ContinuationFrame {
  // RFC 9113 §6.10: CONTINUATION on stream 0 is a connection error of type PROTOCOL_ERROR
  if (header.streamId === 0) throw connectionError(ErrorCode.PROTOCOL_ERROR, 'CONTINUATION on stream 0');
  return {
    type: FrameType.CONTINUATION,
    streamId: header.streamId,
    endHeaders: (header.flags & Flag.END_HEADERS) !== 0,
    headerBlock: payload,
  };
}

/** RFC 9113 §6.10: a CONTINUATION frame's octets. */
export function encodeContinuation(frame: ContinuationFrame): Uint8Array {
  const out = allocFrame(frame.headerBlock.length, FrameType.CONTINUATION, frame.endHeaders ? Flag.END_HEADERS : 0, frame.streamId);
  out.set(frame.headerBlock, 9);
  return out;
}
