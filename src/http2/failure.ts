import { connectionError, ErrorCode, Http2Error } from '../frames/index.js';
import { HpackError } from '../hpack/index.js';

/**
 * What went wrong while reading frames, as an HTTP/2 error (RFC 9113 §5.4): a frame's or a stream's own error as it
 * is, an HPACK failure COMPRESSION_ERROR (§4.3), anything else INTERNAL_ERROR: a bug of ours or of a handler ends the
 * connection rather than go on in an unknown state.
 */
export function asHttp2Error(err: unknown): Http2Error {
  if (err instanceof Http2Error) return err;
  if (err instanceof HpackError) return connectionError(ErrorCode.COMPRESSION_ERROR, err.message);
  return connectionError(ErrorCode.INTERNAL_ERROR, (err as Error)?.message ?? String(err));
}
