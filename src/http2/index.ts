// HTTP/2 connections and streams (RFC 9113 §3, §5, §6.5–§6.9, §8) over any Duplex, using src/frames and src/hpack.
export { Connection } from './connection.js';
export type { ConnectionOptions } from './connection-options.js';
export { CONNECTION_LOST, Http2Stream, type HeaderList, type StreamHandler, type StreamState } from './stream.js';
export { DEFAULT_LOCAL_SETTINGS, type Settings, PROTOCOL_DEFAULTS } from './settings.js';
export { contentLength, headerValue, malformedReason } from './headers.js';
export { type ConnectionLimits, DEFAULT_LIMITS, type Rate } from './limits.js';
export type { ConnectionObserver, Direction, FrameTrace, HpackTrace } from './observer.js';
export { duplexPair } from './duplex-pair.js';
export { Keepalive, type KeepaliveOptions } from './keepalive.js';
export { Fifo } from './fifo.js';
