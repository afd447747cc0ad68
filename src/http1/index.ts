// The HTTP/1.1 codec (RFC 9112, with RFC 9110's field rules): an incremental parser for requests or responses
// and the serializers for both. It knows nothing of sockets: octets in, events out; heads and chunks out as octets.
export { DEFAULT_HTTP1_LIMITS, Http1Error, http1Limits, type Http1Limits } from './limits.js';
export type { BodyFraming, Http1Fields, RequestHead, ResponseHead } from './head.js';
export { Http1Parser, type Http1Event, type Http1Phase } from './parser.js';
export { encodeChunk, encodeLastChunk, reasonPhrase, serializeRequestHead, serializeResponseHead } from './serialize.js';
