import { errorCodeName } from './constants.js';

/** Whether an error ends the whole connection (GOAWAY) or one stream (RST_STREAM) — RFC 9113 §5.4. */
export type ErrorScope = 'connection' | 'stream';

/**
 * A protocol error found while decoding or processing HTTP/2: carries the RFC 9113 §7 error code to send,
 * whether it is a connection or a stream error, and the stream it concerns (0 for the connection).
 */
export class Http2Error extends Error {
  override name = 'Http2Error';
  constructor(
    readonly code: number,
    readonly scope: ErrorScope,
    message: string,
    readonly streamId = 0,
  ) {
    super(`${errorCodeName(code)}: ${message}`);
  }

  /** The error code by name, e.g. "FRAME_SIZE_ERROR". */
  get codeName(): string {
    return errorCodeName(this.code);
  }
}

/** An error that ends the connection (RFC 9113 §5.4.1) with this code. */
export function connectionError(code: number, message: string): Http2Error {
  return new Http2Error(code, 'connection', message, 0);
}

/** An error that resets one stream (RFC 9113 §5.4.2) with this code. */
export function streamError(code: number, streamId: number, message: string): Http2Error {
  return new Http2Error(code, 'stream', message, streamId);
}
