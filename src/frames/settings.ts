import { ErrorCode, Flag, FrameType, MAX_ALLOWED_FRAME_SIZE, MAX_WINDOW_SIZE, DEFAULT_MAX_FRAME_SIZE, SettingId } from './constants.js';
import { connectionError } from './errors.js';
import type { SettingsFrame } from './frame.js';
import { allocFrame, type FrameHeader, readUint32, writeUint32 } from './header.js';

/** RFC 9113 §6.5: a list of (Identifier (16), Value (32)) pairs. */
export function parseSettings(header: FrameHeader, payload: Uint8Array): SettingsFrame {
  // RFC 9113 §6.5: SETTINGS on a stream other than 0 is a connection error of type PROTOCOL_ERROR
  if (header.streamId !== 0) throw connectionError(ErrorCode.PROTOCOL_ERROR, `SETTINGS on stream ${header.streamId}`);
  const ack = (header.flags & Flag.ACK) !== 0;
  // RFC 9113 §6.5: an ACK with a payload is a connection error of type FRAME_SIZE_ERROR
  if (ack && payload.length !== 0) throw connectionError(ErrorCode.FRAME_SIZE_ERROR, `SETTINGS ACK with ${payload.length} octets of payload`);
  // RFC 9113 §6.5: a length that is not a multiple of 6 is a connection error of type FRAME_SIZE_ERROR
  if (payload.length % 6 !== 0) throw connectionError(ErrorCode.FRAME_SIZE_ERROR, `SETTINGS of ${payload.length} octets, not a multiple of 6`);
  const settings: Array<[number, number]> = [];
  for (let at = 0; at < payload.length; at += 6) {
    const id = (payload[at]! << 8) | payload[at + 1]!;
    const value = readUint32(payload, at + 2);
    validateSetting(id, value);
    settings.push([id, value]);
  }
  return { type: FrameType.SETTINGS, streamId: 0, ack, settings };
}

/** RFC 9113 §6.5.2: the values each defined parameter may take; unknown parameters are ignored. */
export function validateSetting(id: number, value: number): void {
  switch (id) {
    case SettingId.ENABLE_PUSH:
      if (value > 1) throw connectionError(ErrorCode.PROTOCOL_ERROR, `SETTINGS_ENABLE_PUSH of ${value}, not 0 or 1`);
      break;
    case SettingId.INITIAL_WINDOW_SIZE:
      if (value > MAX_WINDOW_SIZE) throw connectionError(ErrorCode.FLOW_CONTROL_ERROR, `SETTINGS_INITIAL_WINDOW_SIZE of ${value}, above 2^31-1`);
      break;
    case SettingId.MAX_FRAME_SIZE:
      if (value < DEFAULT_MAX_FRAME_SIZE || value > MAX_ALLOWED_FRAME_SIZE) {
        throw connectionError(ErrorCode.PROTOCOL_ERROR, `SETTINGS_MAX_FRAME_SIZE of ${value}, outside 16384..16777215`);
      }
      break;
  }
}

/** RFC 9113 §6.5: a SETTINGS frame's octets. */
export function encodeSettings(frame: Pick<SettingsFrame, 'ack' | 'settings'>): Uint8Array {
  const out = allocFrame(frame.settings.length * 6, FrameType.SETTINGS, frame.ack ? Flag.ACK : 0, 0);
  let at = 9;
  for (const [id, value] of frame.settings) {
    out[at] = (id >>> 8) & 0xff;
    out[at + 1] = id & 0xff;
    writeUint32(out, at + 2, value);
    at += 6;
  }
  return out;
}
