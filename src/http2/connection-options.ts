// The options of a connection (RFC 9113 §6.5.2 settings, §6.9 windows, §6.7 keepalive), each with its default.
import type { KeepaliveOptions } from './keepalive.js';
import type { ConnectionLimits } from './limits/index.js';
import type { ConnectionObserver } from './observer.js';
import type { Settings } from './settings.js';

/** Options of a connection: settings, windows, timeouts, keepalive and ping policy, limits, observer. */
export interface ConnectionOptions {
  /** The settings we advertise. Defaults: see DEFAULT_LOCAL_SETTINGS. */
  settings?: Partial<Settings>;
  /** Our connection-level receive window, opened right after the preface. Default 16 MiB. */
  connectionWindowSize?: number;
  /** How long to wait for the peer to acknowledge our SETTINGS (RFC 9113 §6.5.3). Default 10000 ms. */
  settingsTimeout?: number;
  /** Octets queued on a stream before write() returns false. Default 65536. */
  highWaterMark?: number;
  /** The largest HPACK table our encoder uses, whatever the peer allows. Default 4096. */
  maxEncoderTableSize?: number;
  /** Our own keepalive PINGs. Default none. */
  keepalive?: KeepaliveOptions;
  /**
   * PINGs from the peer closer together than this (ms) while no stream sends anything are strikes; after
   * `maxPingStrikes` of them we send GOAWAY ENHANCE_YOUR_CALM "too_many_pings", as gRPC servers do. Default 0 (off).
   */
  minPingInterval?: number;
  /** Default 2. */
  maxPingStrikes?: number;
  /** Bounds on what the peer can make us hold or do (src/http2/limits/limits.ts; docs/security.md). */
  limits?: Partial<ConnectionLimits>;
  observer?: ConnectionObserver;
}
