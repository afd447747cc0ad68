import { ErrorCode, Flag, FrameType } from './constants.js';
import { connectionError } from './errors.js';
import type { PushPromiseFrame } from './frame.js';
import { type FrameHeader, readUint31, writeUint31 } from './header.js';
import { encodePadded, unpad } from './padding.js';

/** RFC 9113 §6.6: [Pad Length] R, Promised Stream ID (31) Field Block Fragment [Padding]. */
export function parsePushPromise(header: FrameHeader, payload: Uint8Array): PushPromiseFrame {
  // RFC 9113 §6.6: PUSH_PROMISE on stream 0 is a connection error of type PROTOCOL_ERROR
  if (header.streamId === 0) throw connectionError(ErrorCode.PROTOCOL_ERROR, 'PUSH_PROMISE on stream 0');
  const { start, end, padding } = unpad(header, payload, 4);
  const frame: PushPromiseFrame = {
    type: FrameType.PUSH_PROMISE,
    streamId: header.streamId,
    endHeaders: (header.flags & Flag.END_HEADERS) !== 0,
    promisedStreamId: readUint31(payload, start),
    headerBlock: payload.subarray(start + 4, end),
  };
  if (padding !== undefined) frame.padding = padding;
  return frame;
}

/** RFC 9113 §6.6: a PUSH_PROMISE frame's octets. */
export function encodePushPromise(frame: PushPromiseFrame): Uint8Array {
  const promised = new Uint8Array(4);
  writeUint31(promised, 0, frame.promisedStreamId);
  const flags = frame.endHeaders ? Flag.END_HEADERS : 0;
  return encodePadded(FrameType.PUSH_PROMISE, flags, frame.streamId, promised, frame.headerBlock, frame.padding);
}
