// RFC 9113 §6 and §11: frame types, flags, error codes and settings identifiers.

/** Frame type codes (RFC 9113 §6, §11.2). */
export const FrameType = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
} as const;
/** One of the frame type codes of FrameType. */
export type FrameTypeCode = (typeof FrameType)[keyof typeof FrameType];

const frameTypeNames: readonly string[] = Object.keys(FrameType);

/** "DATA", "HEADERS", … or "UNKNOWN(0x2a)" for a type this code does not know. */
export function frameTypeName(type: number): string {
  return frameTypeNames[type] ?? `UNKNOWN(0x${type.toString(16)})`;
}

/** Flag bits (RFC 9113 §6). The same bit means different things on different frame types. */
export const Flag = {
  END_STREAM: 0x1,
  ACK: 0x1,
  END_HEADERS: 0x4,
  PADDED: 0x8,
  PRIORITY: 0x20,
} as const;

/** The flags each frame type defines, by name, in wire order; other bits are ignored (RFC 9113 §4.1). */
const flagsByType: ReadonlyArray<ReadonlyArray<readonly [string, number]>> = [
  [['END_STREAM', 0x1], ['PADDED', 0x8]], // DATA
  [['END_STREAM', 0x1], ['END_HEADERS', 0x4], ['PADDED', 0x8], ['PRIORITY', 0x20]], // HEADERS
  [], // PRIORITY
  [], // RST_STREAM
  [['ACK', 0x1]], // SETTINGS
  [['END_HEADERS', 0x4], ['PADDED', 0x8]], // PUSH_PROMISE
  [['ACK', 0x1]], // PING
  [], // GOAWAY
  [], // WINDOW_UPDATE
  [['END_HEADERS', 0x4]], // CONTINUATION
];

/** The names of the flags set in `flags` that `type` defines, e.g. ["END_STREAM", "END_HEADERS"]. */
export function flagNames(type: number, flags: number): string[] {
  const names: string[] = [];
  for (const [name, bit] of flagsByType[type] ?? []) if (flags & bit) names.push(name);
  return names;
}

/** Error codes (RFC 9113 §7). */
export const ErrorCode = {
  NO_ERROR: 0x0,
  PROTOCOL_ERROR: 0x1,
  INTERNAL_ERROR: 0x2,
  FLOW_CONTROL_ERROR: 0x3,
  SETTINGS_TIMEOUT: 0x4,
  STREAM_CLOSED: 0x5,
  FRAME_SIZE_ERROR: 0x6,
  REFUSED_STREAM: 0x7,
  CANCEL: 0x8,
  COMPRESSION_ERROR: 0x9,
  CONNECT_ERROR: 0xa,
  ENHANCE_YOUR_CALM: 0xb,
  INADEQUATE_SECURITY: 0xc,
  HTTP_1_1_REQUIRED: 0xd,
} as const;

const errorCodeNames: readonly string[] = Object.keys(ErrorCode);

/** "PROTOCOL_ERROR", … or "UNKNOWN(0x…)"; unknown codes must not trigger special behaviour (RFC 9113 §7). */
export function errorCodeName(code: number): string {
  return errorCodeNames[code] ?? `UNKNOWN(0x${code.toString(16)})`;
}

/** SETTINGS parameters (RFC 9113 §6.5.2). */
export const SettingId = {
  HEADER_TABLE_SIZE: 0x1,
  ENABLE_PUSH: 0x2,
  MAX_CONCURRENT_STREAMS: 0x3,
  INITIAL_WINDOW_SIZE: 0x4,
  MAX_FRAME_SIZE: 0x5,
  MAX_HEADER_LIST_SIZE: 0x6,
} as const;

const settingNames: readonly string[] = ['', ...Object.keys(SettingId)];

/** "SETTINGS_HEADER_TABLE_SIZE", … or "UNKNOWN(0x…)". */
export function settingName(id: number): string {
  const name = id > 0 ? settingNames[id] : undefined;
  return name ? `SETTINGS_${name}` : `UNKNOWN(0x${id.toString(16)})`;
}

/** The size of every frame header (RFC 9113 §4.1). */
export const FRAME_HEADER_LENGTH = 9;
/** SETTINGS_MAX_FRAME_SIZE: initial value and the largest allowed (RFC 9113 §6.5.2). */
export const DEFAULT_MAX_FRAME_SIZE = 16_384;
/** RFC 9113 §4.2: the largest SETTINGS_MAX_FRAME_SIZE, 2^24 - 1 octets. */
export const MAX_ALLOWED_FRAME_SIZE = 16_777_215;
/** The largest flow-control window, 2^31-1 (RFC 9113 §6.9.1). */
export const MAX_WINDOW_SIZE = 2 ** 31 - 1;
/** The initial flow-control window of a connection and of new streams (RFC 9113 §6.9.2). */
export const DEFAULT_INITIAL_WINDOW_SIZE = 65_535;
/** The initial SETTINGS_HEADER_TABLE_SIZE (RFC 9113 §6.5.2). */
export const DEFAULT_HEADER_TABLE_SIZE = 4_096;
