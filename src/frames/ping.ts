import { ErrorCode, Flag, FrameType } from './constants.js';
import { connectionError } from './errors.js';
import type { PingFrame } from './frame.js';
import { allocFrame, type FrameHeader } from './header.js';

/** RFC 9113 §6.7 */
export function parsePing(header: FrameHeader, payload: Uint8Array): PingFrame {
  // RFC 9113 §6.7: PING on a stream other than 0 is a connection error of type PROTOCOL_ERROR
  if (header.streamId !== 0) throw connectionError(ErrorCode.PROTOCOL_ERROR, `PING on stream ${header.streamId}`);
  // RFC 9113 §6.7: a length other than 8 is a connection error of type FRAME_SIZE_ERROR
  if (payload.length !== 8) throw connectionError(ErrorCode.FRAME_SIZE_ERROR, `PING of ${payload.length} octets, not 8`);
  return { type: FrameType.PING, streamId: 0, ack: (header.flags & Flag.ACK) !== 0, data: payload };
}

/** RFC 9113 §6.7: a PING frame's octets. */
export function encodePing(frame: Pick<PingFrame, 'ack' | 'data'>): Uint8Array {
  if (frame.data.length !== 8) throw new RangeError(`PING data must be 8 octets, not ${frame.data.length}`);
  const out = allocFrame(8, FrameType.PING, frame.ack ? Flag.ACK : 0, 0);
  out.set(frame.data, 9);
  return out;
}
