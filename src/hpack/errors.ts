/** RFC 9113 §7: COMPRESSION_ERROR, the HTTP/2 error code for an HPACK failure. */
export const COMPRESSION_ERROR = 0x9;

/**
 * A field block that cannot be decoded (RFC 7541 §2.3.3, §4.2, §5, §6). The HTTP/2 layer answers it with a
 * connection error of type COMPRESSION_ERROR, since the decoder's table can no longer be trusted.
 */
export class HpackError extends Error {
  override name = 'HpackError';
  readonly code = COMPRESSION_ERROR;
  constructor(message: string) {
    super(`COMPRESSION_ERROR: ${message}`);
  }
}

/**
 * A field block that decoded fine but is larger than the decoder's maxHeaderListSize (RFC 9113 §6.5.2, §10.5.1).
 * The dynamic table stayed in step, so only the request or stream fails, not the connection.
 */
export class HeaderListTooLargeError extends HpackError {
  override name = 'HeaderListTooLargeError';
  constructor(readonly size: number, readonly limit: number) {
    super(`header list of at least ${size} octets exceeds the limit of ${limit}`);
  }
}
