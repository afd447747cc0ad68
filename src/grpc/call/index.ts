// What both sides of a call share (grpc/doc/PROTOCOL-HTTP2.md): status codes and errors, metadata, message framing,
// deadlines and grpc-timeout, compression, rich status details, percent-encoding, HTTP and RST_STREAM status mapping,
// the observer seam (telemetry, binary logging).
// Imports: schema/.
export { type CallStream, type CallStreamHandler, DISCARD } from './call-stream.js';
export type { CallTransport, ClientStream, ClientStreamHandler } from './client-stream.js';
export { Deferred } from './deferred.js';
export { Metadata, type MetadataValue } from './metadata.js';
export { type CallListener, type CallStatus, passThrough, tellStatus } from './call-listener.js';
export type { CallContentObserver, CallObservers, ChannelObserver, ClientCallObserver, ClientCallStart, MessageObserver, ServerCallObserver, ServerCallStart } from './call-observer.js';
export { joinObservers } from './joined-observers.js';
export { peerAddress } from './peer-address.js';
export { Status, type StatusCode, StatusError, statusName } from './status.js';
export { deadlineFrom, DeadlineTimer, encodeTimeout, parseTimeout } from './deadline.js';
export { percentDecode, percentEncode } from './percent.js';
export { DEFAULT_MAX_RECEIVE_MESSAGE_LENGTH, frameMessage, framePieces, Inbox, MessageReader, writePieces } from './message.js';
export { statusFromHttp, statusFromRstStream } from './status-mapping.js';
export { ACCEPT_ENCODING, compress, decompress, type Encoding, isEncoding, MIN_COMPRESS_LENGTH, parseAcceptEncoding, type Sent, withCompression, WithCompression } from './compression.js';
export { richStatus, type RichStatus, RichStatusCodec, richStatusRoot, type StatusDetail } from './rich-status.js';
