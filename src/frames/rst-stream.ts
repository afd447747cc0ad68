import { ErrorCode, FrameType } from './constants.js';
import { connectionError } from './errors.js';
import type { RstStreamFrame } from './frame.js';
import { allocFrame, type FrameHeader, readUint32, writeUint32 } from './header.js';

/** RFC 9113 §6.4 */
export function parseRstStream(header: FrameHeader, payload: Uint8Array): RstStreamFrame {
  // RFC 9113 §6.4: RST_STREAM on stream 0 is a connection error of type PROTOCOL_ERROR
  if (header.streamId === 0) throw connectionError(ErrorCode.PROTOCOL_ERROR, 'RST_STREAM on stream 0');
  // RFC 9113 §6.4: a length other than 4 is a connection error of type FRAME_SIZE_ERROR
  if (payload.length !== 4) throw connectionError(ErrorCode.FRAME_SIZE_ERROR, `RST_STREAM of ${payload.length} octets, not 4`);
  return { type: FrameType.RST_STREAM, streamId: header.streamId, errorCode: readUint32(payload, 0) };
}

/** RFC 9113 §6.4: an RST_STREAM frame's octets. */
export function encodeRstStream(frame: RstStreamFrame): Uint8Array {
  const out = allocFrame(4, FrameType.RST_STREAM, 0, frame.streamId);
  writeUint32(out, 9, frame.errorCode);
  return out;
}
