import { DEFAULT_HEADER_TABLE_SIZE, DEFAULT_INITIAL_WINDOW_SIZE, DEFAULT_MAX_FRAME_SIZE, SettingId } from '../frames/index.js';

/** The six SETTINGS parameters of RFC 9113 §6.5.2, by name. */
export interface Settings {
  headerTableSize: number;
  enablePush: number;
  /** Infinity while the peer has not set it (RFC 9113 §6.5.2: initially unlimited). */
  maxConcurrentStreams: number;
  initialWindowSize: number;
  maxFrameSize: number;
  /** Infinity while the peer has not set it. */
  maxHeaderListSize: number;
}

/** The initial values every endpoint assumes until the peer's SETTINGS arrive (RFC 9113 §6.5.2). */
export const PROTOCOL_DEFAULTS: Readonly<Settings> = {
  headerTableSize: DEFAULT_HEADER_TABLE_SIZE,
  enablePush: 1,
  maxConcurrentStreams: Infinity,
  initialWindowSize: DEFAULT_INITIAL_WINDOW_SIZE,
  maxFrameSize: DEFAULT_MAX_FRAME_SIZE,
  maxHeaderListSize: Infinity,
};

const keys: ReadonlyArray<readonly [keyof Settings, number]> = [
  ['headerTableSize', SettingId.HEADER_TABLE_SIZE],
  ['enablePush', SettingId.ENABLE_PUSH],
  ['maxConcurrentStreams', SettingId.MAX_CONCURRENT_STREAMS],
  ['initialWindowSize', SettingId.INITIAL_WINDOW_SIZE],
  ['maxFrameSize', SettingId.MAX_FRAME_SIZE],
  ['maxHeaderListSize', SettingId.MAX_HEADER_LIST_SIZE],
];

/** The parameters of `settings` that differ from the protocol's initial values, as SETTINGS pairs. */
export function settingsToPairs(settings: Settings): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (const [key, id] of keys) {
    const value = settings[key];
    if (value !== PROTOCOL_DEFAULTS[key] && Number.isFinite(value)) pairs.push([id, value]);
  }
  return pairs;
}

/** Applies received SETTINGS pairs to `settings`; unknown identifiers are ignored (RFC 9113 §6.5.2). */
export function applySettingPairs(settings: Settings, pairs: ReadonlyArray<readonly [number, number]>): void {
  for (const [id, value] of pairs) {
    const entry = keys.find(([, k]) => k === id);
    if (entry) settings[entry[0]] = value;
  }
}
