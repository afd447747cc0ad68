import { ErrorCode, Flag, FRAME_HEADER_LENGTH } from './constants.js';
import { connectionError } from './errors.js';
import { allocFrame, type FrameHeader } from './header.js';

/**
 * RFC 9113 §6.1, §6.2, §6.6: a padded payload is Pad Length (8), then `fixed` octets of fields, the content,
 * and Pad Length octets of padding. Returns where the fields start and where the content ends.
 */
export function unpad(header: FrameHeader, payload: Uint8Array, fixed: number): { start: number; end: number; padding?: number } {
  if (!(header.flags & Flag.PADDED)) {
    if (payload.length < fixed) throw connectionError(ErrorCode.FRAME_SIZE_ERROR, `frame of ${payload.length} octets is too short for its ${fixed} octets of fields`);
    return { start: 0, end: payload.length };
  }
  if (payload.length < 1 + fixed) {
    throw connectionError(ErrorCode.FRAME_SIZE_ERROR, `padded frame of ${payload.length} octets has no room for Pad Length and its fields`);
  }
  const padding = payload[0]!;
  // RFC 9113 §6.1: padding as long as the payload or longer is a PROTOCOL_ERROR
  if (1 + fixed + padding > payload.length) {
    throw connectionError(ErrorCode.PROTOCOL_ERROR, `Pad Length ${padding} does not fit in a payload of ${payload.length} octets`);
  }
  return { start: 1, end: payload.length - padding, padding };
}

/**
 * Builds a frame whose payload is [Pad Length] fields content [padding]; the PADDED flag is added when
 * `padding` is given. Padding octets are zero (RFC 9113 §6.1).
 */
export function encodePadded(
  type: number,
  flags: number,
  streamId: number,
  fields: Uint8Array | undefined,
  content: Uint8Array,
  padding: number | undefined,
): Uint8Array {
  const padded = padding !== undefined;
  if (padded && (!Number.isInteger(padding) || padding < 0 || padding > 255)) {
    throw new RangeError(`padding must be 0..255 octets, not ${padding}`);
  }
  const fieldsLength = fields ? fields.length : 0;
  const length = (padded ? 1 + padding : 0) + fieldsLength + content.length;
  const out = allocFrame(length, type, padded ? flags | Flag.PADDED : flags, streamId);
  let at = FRAME_HEADER_LENGTH;
  if (padded) out[at++] = padding;
  if (fields) {
    out.set(fields, at);
    at += fieldsLength;
  }
  out.set(content, at);
  return out;
}
