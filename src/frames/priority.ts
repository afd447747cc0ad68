import { ErrorCode, FrameType } from './constants.js';
import { connectionError, streamError } from './errors.js';
import type { Priority, PriorityFrame } from './frame.js';
import { allocFrame, readUint32, type FrameHeader, writeUint32 } from './header.js';

/** The five octets of priority fields: E (1), Stream Dependency (31), Weight (8) — RFC 9113 §6.3. */
export const PRIORITY_LENGTH = 5;

export function readPriority(buf: Uint8Array, offset: number, streamId: number): Priority {
  const word = readUint32(buf, offset);
  const priority = { streamDependency: word & 0x7fffffff, exclusive: word >>> 31 === 1, weight: buf[offset + 4]! + 1 };
  // RFC 9113 §5.3.1: a stream cannot depend on itself; a stream error of type PROTOCOL_ERROR
  if (priority.streamDependency === streamId) {
    throw streamError(ErrorCode.PROTOCOL_ERROR, streamId, `stream ${streamId} depends on itself`);
  }
  return priority;
}

export function priorityBytes(priority: Priority): Uint8Array {
  const { streamDependency, exclusive, weight } = priority;
  if (!Number.isInteger(weight) || weight < 1 || weight > 256) throw new RangeError(`priority weight must be 1..256, not ${weight}`);
  const out = new Uint8Array(PRIORITY_LENGTH);
  writeUint32(out, 0, ((exclusive ? 0x80000000 : 0) | (streamDependency & 0x7fffffff)) >>> 0);
  out[4] = weight - 1;
  return out;
}

/** RFC 9113 §6.3 */
export function parsePriority(header: FrameHeader, payload: Uint8Array): PriorityFrame {
  const { streamId } = header;
  // RFC 9113 §6.3: PRIORITY on stream 0 is a connection error of type PROTOCOL_ERROR
  if (streamId === 0) throw connectionError(ErrorCode.PROTOCOL_ERROR, 'PRIORITY on stream 0');
  // RFC 9113 §6.3: a length other than 5 is a stream error of type FRAME_SIZE_ERROR
  if (payload.length !== PRIORITY_LENGTH) {
    throw streamError(ErrorCode.FRAME_SIZE_ERROR, streamId, `PRIORITY of ${payload.length} octets, not 5`);
  }
  return { type: FrameType.PRIORITY, streamId, priority: readPriority(payload, 0, streamId) };
}

/** RFC 9113 §6.3: a PRIORITY frame's octets. */
export function encodePriority(frame: PriorityFrame): Uint8Array {
  const out = allocFrame(PRIORITY_LENGTH, FrameType.PRIORITY, 0, frame.streamId);
  out.set(priorityBytes(frame.priority), 9);
  return out;
}
