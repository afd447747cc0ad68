// Binary logging (gRFC A16): the calls a filter selects, each event a grpc.binarylog.v1.GrpcLogEntry in a file as
// grpc-go writes it, installed with a server's or a client's `binaryLog` option (binaryLog()); and reading such a
// file back. Imports: call/.
export { BinaryLog, binaryLog, binaryLogFromEnv, type BinaryLogOptions } from './binary-log.js';
export { BinaryLogFilter, type LogLimits } from './filter.js';
export { DEFAULT_MAX_BUFFERED_BYTES } from './file-sink.js';
export { type Address, AddressType, encodeLogEntry, EventType, type LogEntry, LoggerSide, type MetadataEntry, type Seconds } from './log-entry.js';
export { BINARYLOG_PROTO, logEntryType, looksLikeBinaryLog, readBinaryLog } from './read-log.js';
