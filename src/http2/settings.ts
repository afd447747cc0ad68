import {
  connectionError, DEFAULT_HEADER_TABLE_SIZE, DEFAULT_INITIAL_WINDOW_SIZE, DEFAULT_MAX_FRAME_SIZE, ErrorCode,
  type FrameDecoder, FrameType, MAX_WINDOW_SIZE, SettingId, type SettingsFrame,
} from '../frames/index.js';
import type { HpackDecoder } from '../hpack/index.js';
import type { FrameOutput } from './frame-output.js';
import type { Http2Stream } from './stream/index.js';

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

/** The settings an h2grpc endpoint advertises unless told otherwise. */
export const DEFAULT_LOCAL_SETTINGS: Readonly<Settings> = {
  ...PROTOCOL_DEFAULTS,
  enablePush: 0,
  maxConcurrentStreams: 1000,
  initialWindowSize: 1 << 20,
  maxHeaderListSize: 16384,
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

/**
 * Our side of the SETTINGS exchange (RFC 9113 §6.5.3): each SETTINGS we send waits for the peer's ACK, within a
 * timeout, and is in force for what the peer sends from that ACK on.
 */
export class SettingsInFlight {
  private readonly pending: Settings[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly timeout: number,
    private readonly onTimeout: () => void,
  ) {}

  /** Ours were sent: their ACK is due within the timeout. Returns them as SETTINGS pairs. */
  sent(settings: Settings): Array<[number, number]> {
    this.pending.push({ ...settings });
    if (!this.timer) {
      this.timer = setTimeout(this.onTimeout, this.timeout);
      this.timer.unref();
    }
    return settingsToPairs(settings);
  }

  /** The peer acknowledged our oldest SETTINGS: they are in force now. */
  acknowledged(): Settings {
    const applied = this.pending.shift();
    if (!applied) throw connectionError(ErrorCode.PROTOCOL_ERROR, 'SETTINGS ACK without SETTINGS outstanding');
    if (this.pending.length === 0) this.stop();
    return applied;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * The peer's SETTINGS applied to `remote` (RFC 9113 §6.5.2). Returns how much SETTINGS_INITIAL_WINDOW_SIZE changed
 * (every stream's send window moves by as much, §6.9.2) and whether SETTINGS_HEADER_TABLE_SIZE was among them.
 */
export function applyRemoteSettings(remote: Settings, pairs: ReadonlyArray<readonly [number, number]>, role: 'client' | 'server'): { windowDelta: number; tableSize: boolean } {
  const before = remote.initialWindowSize;
  applySettingPairs(remote, pairs);
  // a server must not send SETTINGS_ENABLE_PUSH 1
  if (role === 'client' && remote.enablePush === 1 && pairs.some(([id]) => id === SettingId.ENABLE_PUSH)) {
    throw connectionError(ErrorCode.PROTOCOL_ERROR, 'a server sent SETTINGS_ENABLE_PUSH 1');
  }
  return { windowDelta: remote.initialWindowSize - before, tableSize: pairs.some(([id]) => id === SettingId.HEADER_TABLE_SIZE) };
}

/**
 * The SETTINGS exchange of one connection (RFC 9113 §6.5), as Rust h2's proto/settings.rs: ours sent, awaiting the
 * peer's ACK within a timeout and in force from it on (§6.5.3); the peer's applied and acknowledged, a change of its
 * SETTINGS_INITIAL_WINDOW_SIZE moving the send window of every stream (§6.9.2).
 */
export class SettingsExchange {
  /** The peer's settings, the protocol's defaults until its first SETTINGS. */
  readonly remote: Settings = { ...PROTOCOL_DEFAULTS };
  private readonly inFlight: SettingsInFlight;

  constructor(
    /** The settings we advertise. */
    readonly local: Settings,
    private readonly role: 'client' | 'server',
    /** The largest HPACK table our encoder uses, whatever the peer allows. */
    private readonly maxEncoderTableSize: number,
    timeout: number,
    onTimeout: () => void,
  ) {
    this.inFlight = new SettingsInFlight(timeout, onTimeout);
  }

  /** Sends our SETTINGS; the peer's ACK is due within the timeout. */
  send(out: FrameOutput): void {
    out.frame({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: this.inFlight.sent(this.local) });
  }

  /** The peer acknowledged our oldest SETTINGS: they take effect for what the peer sends from now on. */
  recvAck(decoder: FrameDecoder, hpackIn: HpackDecoder): void {
    const applied = this.inFlight.acknowledged();
    decoder.maxFrameSize = applied.maxFrameSize;
    hpackIn.setMaxTableSize(applied.headerTableSize);
  }

  /** The peer's SETTINGS, applied and acknowledged. Returns how much SETTINGS_INITIAL_WINDOW_SIZE changed. */
  recv(frame: SettingsFrame, out: FrameOutput, streams: ReadonlyMap<number, Http2Stream>): number {
    const { windowDelta: delta, tableSize } = applyRemoteSettings(this.remote, frame.settings, this.role);
    if (tableSize) out.hpack.setMaxTableSize(Math.min(this.remote.headerTableSize, this.maxEncoderTableSize));
    // RFC 9113 §6.9.2: a new initial window size changes every stream's send window by the difference
    if (delta !== 0) {
      for (const stream of streams.values()) {
        if (stream.sendWindow.size + delta > MAX_WINDOW_SIZE) {
          throw connectionError(ErrorCode.FLOW_CONTROL_ERROR, `SETTINGS_INITIAL_WINDOW_SIZE pushes stream ${stream.id} beyond 2^31-1`);
        }
        stream.sendWindow.size += delta;
      }
    }
    out.control({ type: FrameType.SETTINGS, streamId: 0, ack: true, settings: [] });
    return delta;
  }

  /** The connection closed: no ACK is awaited any more. */
  stop(): void {
    this.inFlight.stop();
  }
}
