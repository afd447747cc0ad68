import { FrameType } from './constants.js';
import { encodeContinuation } from './continuation.js';
import { encodeData } from './data.js';
import type { Frame, KnownFrame, UnknownFrame } from './frame.js';
import { encodeGoaway } from './goaway.js';
import { allocFrame } from './header.js';
import { encodeHeaders } from './headers.js';
import { encodePing } from './ping.js';
import { encodePriority } from './priority.js';
import { encodePushPromise } from './push-promise.js';
import { encodeRstStream } from './rst-stream.js';
import { encodeSettings } from './settings.js';
import { encodeWindowUpdate } from './window-update.js';

/** Encodes any frame to its octets, header included (RFC 9113 §4.1). */
export function encodeFrame(frame: Frame): Uint8Array {
  const known = frame as KnownFrame;
  switch (known.type) {
    case FrameType.DATA: return encodeData(known);
    case FrameType.HEADERS: return encodeHeaders(known);
    case FrameType.PRIORITY: return encodePriority(known);
    case FrameType.RST_STREAM: return encodeRstStream(known);
    case FrameType.SETTINGS: return encodeSettings(known);
    case FrameType.PUSH_PROMISE: return encodePushPromise(known);
    case FrameType.PING: return encodePing(known);
    case FrameType.GOAWAY: return encodeGoaway(known);
    case FrameType.WINDOW_UPDATE: return encodeWindowUpdate(known);
    case FrameType.CONTINUATION: return encodeContinuation(known);
  }
  const unknown = frame as UnknownFrame;
  const out = allocFrame(unknown.payload.length, unknown.type, unknown.flags, unknown.streamId);
  out.set(unknown.payload, 9);
  return out;
}
