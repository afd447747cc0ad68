// HTTP/2 connections and streams (RFC 9113 §3, §5, §6.5–§6.9, §8) over any Duplex, using src/frames and src/hpack.
// Rooms: stream/ (a stream, its windows, the store, header rules), limits/ (what a peer may make us hold or spend).
export { Connection } from './connection.js';
export type { ConnectionOptions } from './connection-options.js';
export type { ConnectionStats } from './connection-stats.js';
export { CONNECTION_LOST, contentLength, Fifo, type HeaderList, headerValue, Http2Stream, malformedReason, type StreamHandler, type StreamState } from './stream/index.js';
export { DEFAULT_LOCAL_SETTINGS, type Settings, PROTOCOL_DEFAULTS } from './settings.js';
export { type ConnectionLimits, DEFAULT_LIMITS, type Rate } from './limits/index.js';
export type { ConnectionObserver, Direction, FrameTrace, HpackTrace } from './observer.js';
export { duplexPair } from './duplex-pair.js';
export { Http1Sniffer } from './http1-preface.js';
export { Keepalive, type KeepaliveOptions } from './keepalive.js';
