import { ErrorCode, FrameType } from './constants.js';
import { connectionError, streamError } from './errors.js';
import type { WindowUpdateFrame } from './frame.js';
import { allocFrame, type FrameHeader, readUint31, writeUint31 } from './header.js';

/** RFC 9113 §6.9: R, Window Size Increment (31). */
export function parseWindowUpdate(header: FrameHeader, payload: Uint8Array): WindowUpdateFrame {
  const { streamId } = header;
  // RFC 9113 §6.9: a length other than 4 is a connection error of type FRAME_SIZE_ERROR
  if (payload.length !== 4) throw connectionError(ErrorCode.FRAME_SIZE_ERROR, `WINDOW_UPDATE of ${payload.length} octets, not 4`);
  const increment = readUint31(payload, 0);
  // RFC 9113 §6.9: an increment of 0 is a PROTOCOL_ERROR, for the stream or, on stream 0, the connection
  if (increment === 0) {
    if (streamId === 0) throw connectionError(ErrorCode.PROTOCOL_ERROR, 'WINDOW_UPDATE of 0 on the connection');
    throw streamError(ErrorCode.PROTOCOL_ERROR, streamId, `WINDOW_UPDATE of 0 on stream ${streamId}`);
  }
  return { type: FrameType.WINDOW_UPDATE, streamId, increment };
}

/** RFC 9113 §6.9: a WINDOW_UPDATE frame's octets. */
export function encodeWindowUpdate(frame: Pick<WindowUpdateFrame, 'streamId' | 'increment'>): Uint8Array {
  const out = allocFrame(4, FrameType.WINDOW_UPDATE, 0, frame.streamId);
  writeUint31(out, 9, frame.increment);
  return out;
}
