import { ErrorCode, FrameType } from './constants.js';
import { connectionError } from './errors.js';
import type { GoawayFrame } from './frame.js';
import { allocFrame, type FrameHeader, readUint31, readUint32, writeUint31, writeUint32 } from './header.js';

/** RFC 9113 §6.8: R, Last-Stream-ID (31), Error Code (32), Additional Debug Data. */
export function parseGoaway(header: FrameHeader, payload: Uint8Array): GoawayFrame {
  // RFC 9113 §6.8: GOAWAY on a stream other than 0 is a connection error of type PROTOCOL_ERROR
  if (header.streamId !== 0) throw connectionError(ErrorCode.PROTOCOL_ERROR, `GOAWAY on stream ${header.streamId}`);
  if (payload.length < 8) throw connectionError(ErrorCode.FRAME_SIZE_ERROR, `GOAWAY of ${payload.length} octets, shorter than 8`);
  return {
    type: FrameType.GOAWAY,
    streamId: 0,
    lastStreamId: readUint31(payload, 0),
    errorCode: readUint32(payload, 4),
    debugData: payload.subarray(8),
  };
}

/** RFC 9113 §6.8: a GOAWAY frame's octets. */
export function encodeGoaway(frame: Pick<GoawayFrame, 'lastStreamId' | 'errorCode' | 'debugData'>): Uint8Array {
  const out = allocFrame(8 + frame.debugData.length, FrameType.GOAWAY, 0, 0);
  writeUint31(out, 9, frame.lastStreamId);
  writeUint32(out, 13, frame.errorCode);
  out.set(frame.debugData, 17);
  return out;
}
