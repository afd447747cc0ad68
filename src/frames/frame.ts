import type { FrameType } from './constants.js';

/** The fields of a HEADERS frame's PRIORITY flag and of a PRIORITY frame (RFC 9113 §6.2, §6.3). */
export interface Priority {
  /** The stream this one depends on (31 bits). */
  streamDependency: number;
  /** The E bit: an exclusive dependency. */
  exclusive: boolean;
  /** Weight 1..256 (the wire carries weight - 1). */
  weight: number;
}

/** RFC 9113 §6.1. `padding` is the number of padding octets (0..255) when the PADDED flag is set. */
export interface DataFrame {
  type: typeof FrameType.DATA;
  streamId: number;
  endStream: boolean;
  data: Uint8Array;
  padding?: number;
}

/** RFC 9113 §6.2. `headerBlock` is an HPACK field block fragment. */
export interface HeadersFrame {
  type: typeof FrameType.HEADERS;
  streamId: number;
  endStream: boolean;
  endHeaders: boolean;
  headerBlock: Uint8Array;
  padding?: number;
  priority?: Priority;
}

/** RFC 9113 §6.3 (deprecated by RFC 9113, still parsed). */
export interface PriorityFrame {
  type: typeof FrameType.PRIORITY;
  streamId: number;
  priority: Priority;
}

/** RFC 9113 §6.4. */
export interface RstStreamFrame {
  type: typeof FrameType.RST_STREAM;
  streamId: number;
  errorCode: number;
}

/** RFC 9113 §6.5. Parameters are kept in wire order, unknown ones included (receivers ignore them). */
export interface SettingsFrame {
  type: typeof FrameType.SETTINGS;
  streamId: 0;
  ack: boolean;
  settings: Array<[id: number, value: number]>;
}

/** RFC 9113 §6.6. */
export interface PushPromiseFrame {
  type: typeof FrameType.PUSH_PROMISE;
  streamId: number;
  endHeaders: boolean;
  promisedStreamId: number;
  headerBlock: Uint8Array;
  padding?: number;
}

/** RFC 9113 §6.7. `data` is exactly 8 octets. */
export interface PingFrame {
  type: typeof FrameType.PING;
  streamId: 0;
  ack: boolean;
  data: Uint8Array;
}

/** RFC 9113 §6.8. */
export interface GoawayFrame {
  type: typeof FrameType.GOAWAY;
  streamId: 0;
  lastStreamId: number;
  errorCode: number;
  debugData: Uint8Array;
}

/** RFC 9113 §6.9. */
export interface WindowUpdateFrame {
  type: typeof FrameType.WINDOW_UPDATE;
  streamId: number;
  increment: number;
}

/** RFC 9113 §6.10. */
export interface ContinuationFrame {
  type: typeof FrameType.CONTINUATION;
  streamId: number;
  endHeaders: boolean;
  headerBlock: Uint8Array;
}

/** A frame of a type this code does not define; RFC 9113 §4.1 and §5.5: it is passed over. */
export interface UnknownFrame {
  type: number;
  streamId: number;
  flags: number;
  payload: Uint8Array;
}

/** Every frame type RFC 9113 defines, decoded. */
export type KnownFrame =
  | DataFrame
  | HeadersFrame
  | PriorityFrame
  | RstStreamFrame
  | SettingsFrame
  | PushPromiseFrame
  | PingFrame
  | GoawayFrame
  | WindowUpdateFrame
  | ContinuationFrame;

/** A decoded frame: a known type, or an unknown one (which RFC 9113 §4.1 says to ignore). */
export type Frame = KnownFrame | UnknownFrame;

/** True for the ten frame types of RFC 9113 §6. */
export function isKnownFrame(frame: Frame): frame is KnownFrame {
  return frame.type >= 0 && frame.type <= 9;
}
