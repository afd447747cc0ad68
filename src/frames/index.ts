// The HTTP/2 frame layer (RFC 9113 §4, §6): frame types, their encoding, and an incremental decoder.
// It knows nothing of sockets: octets in, frames out.
export * from './constants.js';
export * from './errors.js';
export * from './frame.js';
export * from './header.js';
export { CLIENT_PREFACE } from './preface.js';
export { FrameDecoder, type FrameDecoderOptions } from './decoder.js';
export { encodeFrame } from './encode.js';
export { dataFrameHeader, encodeData, parseData } from './data.js';
export { encodeHeaders, parseHeaders } from './headers.js';
export { encodePriority, parsePriority } from './priority.js';
export { encodeRstStream, parseRstStream } from './rst-stream.js';
export { encodeSettings, parseSettings, validateSetting } from './settings.js';
export { encodePushPromise, parsePushPromise } from './push-promise.js';
export { encodePing, parsePing } from './ping.js';
export { encodeGoaway, parseGoaway } from './goaway.js';
export { encodeWindowUpdate, parseWindowUpdate } from './window-update.js';
export { encodeContinuation, parseContinuation } from './continuation.js';
