// A stream as the connection drives it (RFC 9113 §5.1): its state and windows (flow control, §5.2, §6.9), the store
// of live streams and the memory of closed ones, header-field rules (§8.2, §8.3), and the FIFO that queues streams.
// Imports: frames.
export { ClosedStreams, type CloseCause } from './closed-streams.js';
export { Fifo } from './fifo.js';
export { ReceiveWindow, SendWindow } from './flow-control.js';
export { contentLength, headerValue, malformedReason } from './headers.js';
export { StreamStore } from './stream-store.js';
export { StreamStats } from './stream-stats.js';
export { CONNECTION_LOST, type HeaderList, Http2Stream, type StreamHandler, type StreamIo, type StreamState } from './stream.js';
