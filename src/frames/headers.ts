import { ErrorCode, Flag, FrameType } from './constants.js';
import { connectionError } from './errors.js';
import type { HeadersFrame } from './frame.js';
import type { FrameHeader } from './header.js';
import { encodePadded, unpad } from './padding.js';
import { PRIORITY_LENGTH, priorityBytes, readPriority } from './priority.js';

/** RFC 9113 §6.2: [Pad Length] [E, Stream Dependency, Weight] Field Block Fragment [Padding]. */
export function parseHeaders(header: FrameHeader, payload: Uint8Array): HeadersFrame {
  const { streamId, flags } = header;
  // RFC 9113 §6.2: HEADERS on stream 0 is a connection error of type PROTOCOL_ERROR
  if (streamId === 0) throw connectionError(ErrorCode.PROTOCOL_ERROR, 'HEADERS on stream 0');
  const hasPriority = (flags & Flag.PRIORITY) !== 0;
  const { start, end, padding } = unpad(header, payload, hasPriority ? PRIORITY_LENGTH : 0);
  const frame: HeadersFrame = {
    type: FrameType.HEADERS,
    streamId,
    endStream: (flags & Flag.END_STREAM) !== 0,
    endHeaders: (flags & Flag.END_HEADERS) !== 0,
    headerBlock: payload.subarray(hasPriority ? start + PRIORITY_LENGTH : start, end),
  };
  if (padding !== undefined) frame.padding = padding;
  if (hasPriority) frame.priority = readPriority(payload, start, streamId);
  return frame;
}

/** RFC 9113 §6.2: a HEADERS frame's octets. */
export function encodeHeaders(frame: HeadersFrame): Uint8Array {
  let flags = 0;
  if (frame.endStream) flags |= Flag.END_STREAM;
  if (frame.endHeaders) flags |= Flag.END_HEADERS;
  if (frame.priority) flags |= Flag.PRIORITY;
  const fields = frame.priority ? priorityBytes(frame.priority) : undefined;
  return encodePadded(FrameType.HEADERS, flags, frame.streamId, fields, frame.headerBlock, frame.padding);
}
