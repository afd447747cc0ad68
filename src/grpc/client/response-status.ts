import { headerValue, type HeaderList } from '../../http2/index.js';
import { Metadata, percentDecode, richStatus, type RichStatusCodec, Status, type StatusDetail, StatusError, statusFromHttp } from '../call/index.js';

// What a client reads of a response's head and status (gRPC PROTOCOL-HTTP2): the response headers that rule out
// gRPC, the encoding and metadata of those that do not, and the status, message and details the trailers carry.

/** The typed details of grpc-status-details-bin, or none when it is absent or does not decode. */
function errorDetails(trailers: HeaderList, codec: RichStatusCodec): StatusDetail[] {
  const encoded = headerValue(trailers, 'grpc-status-details-bin');
  if (encoded === undefined) return [];
  try {
    return codec.decode(Buffer.from(encoded, 'base64')).details;
  } catch {
    return [];
  }
}

/** Why response headers are not a gRPC response (an HTTP error or another content-type without grpc-status), if so. */
export function notGrpcResponse(headers: HeaderList): StatusError | undefined {
  const status = Number(headerValue(headers, ':status'));
  const grpcStatus = headerValue(headers, 'grpc-status');
  if (grpcStatus !== undefined) return undefined;
  // gRPC http-grpc-status-mapping: an HTTP error without grpc-status
  if (status !== 200) return new StatusError(statusFromHttp(status), `received HTTP status ${status} without grpc-status`);
  const contentType = headerValue(headers, 'content-type') ?? '';
  if (!contentType.startsWith('application/grpc')) return new StatusError(Status.UNKNOWN, `received content-type ${JSON.stringify(contentType)}, not application/grpc`);
  return undefined;
}

/** Response headers followed by messages: the messages' encoding and the initial metadata, or why they do not read. */
export function responseHead(headers: HeaderList): { encoding: string; metadata: Metadata } | StatusError {
  try {
    return { encoding: headerValue(headers, 'grpc-encoding') ?? 'identity', metadata: Metadata.fromHeaders(headers) };
  } catch (err) {
    return new StatusError(Status.INTERNAL, `malformed response metadata: ${(err as Error).message}`);
  }
}

/**
 * The trailers' status: OK with the trailing metadata, or the StatusError they carry. A grpc-status that is not a
 * status code is UNKNOWN and `malformed` (no retry policy applies to it).
 */
export function trailersStatus(trailers: HeaderList, codec: RichStatusCodec = richStatus): { code: number; metadata: Metadata; error?: StatusError; malformed?: true } {
  const metadata = Metadata.fromHeaders(trailers);
  const grpcStatus = headerValue(trailers, 'grpc-status');
  const code = grpcStatus === undefined ? Status.UNKNOWN : Number(grpcStatus);
  if (!Number.isInteger(code) || code < 0 || code > 16) return { code: Status.UNKNOWN, metadata, malformed: true, error: new StatusError(Status.UNKNOWN, `grpc-status ${grpcStatus} is not a status code`, metadata) };
  if (code === Status.OK) return { code, metadata };
  const details = grpcStatus === undefined ? 'the response trailers have no grpc-status' : percentDecode(headerValue(trailers, 'grpc-message') ?? '');
  return { code, metadata, error: new StatusError(code, details, metadata, errorDetails(trailers, codec)) };
}
