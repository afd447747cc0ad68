import { ErrorCode, Flag, FRAME_HEADER_LENGTH, FrameType } from './constants.js';
import { connectionError } from './errors.js';
import type { DataFrame } from './frame.js';
import { type FrameHeader, writeFrameHeader } from './header.js';
import { encodePadded, unpad } from './padding.js';

/** RFC 9113 §6.1. `data` is a view of the payload, not a copy. */
export function parseData(header: FrameHeader, payload: Uint8Array): DataFrame {
  // RFC 9113 §6.1: DATA on stream 0 is a connection error of type PROTOCOL_ERROR
  if (header.streamId === 0) throw connectionError(ErrorCode.PROTOCOL_ERROR, 'DATA on stream 0');
  const { start, end, padding } = unpad(header, payload, 0);
  const frame: DataFrame = {
    type: FrameType.DATA,
    streamId: header.streamId,
    endStream: (header.flags & Flag.END_STREAM) !== 0,
    data: payload.subarray(start, end),
  };
  if (padding !== undefined) frame.padding = padding;
  return frame;
}

/** RFC 9113 §6.1: a DATA frame's octets (padding included when asked). */
export function encodeData(frame: DataFrame): Uint8Array {
  return encodePadded(FrameType.DATA, frame.endStream ? Flag.END_STREAM : 0, frame.streamId, undefined, frame.data, frame.padding);
}

/**
 * The 9-octet header of an unpadded DATA frame, so that a writer can send it and then the payload itself
 * without copying the payload into a new buffer.
 */
export function dataFrameHeader(streamId: number, length: number, endStream: boolean): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_LENGTH);
  writeFrameHeader(out, 0, length, FrameType.DATA, endStream ? Flag.END_STREAM : 0, streamId);
  return out;
}
