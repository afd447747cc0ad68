import { errorCodeName } from '../../frames/index.js';

// gRFC A94: why a subchannel's connection ended, in the words of the grpc.disconnect_error label. The first reason
// seen is the one told (a GOAWAY ENHANCE_YOUR_CALM then a broken pipe is "GOAWAY ENHANCE_YOUR_CALM").

/** A peer's GOAWAY: "GOAWAY NO_ERROR", "GOAWAY ENHANCE_YOUR_CALM" (RFC 9113 §7's names). */
export function goawayReason(errorCode: number): string {
  return `GOAWAY ${errorCodeName(errorCode)}`;
}

/** Our own closing of the connection (idle, shutdown, a new address list): gRFC A94's "subchannel shutdown". */
export const SHUTDOWN_REASON = 'subchannel shutdown';

/**
 * The error a connection closed with (none: the peer closed it without a word). Only a socket's error has a string
 * code (ECONNRESET…); our own protocol errors (Http2Error's numeric code) and the rest are "unknown".
 */
export function closeReason(error: Error | undefined): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ECONNRESET') return 'connection reset';
  // gRFC A94: a keepalive that went unanswered counts with the socket's own timeouts
  if (code === 'ETIMEDOUT' || error?.message.startsWith('keepalive:')) return 'connection timed out';
  if (code === 'ECONNABORTED') return 'connection aborted';
  // gRFC A94 names a broken pipe (EPIPE) a socket error
  if (typeof code === 'string') return 'socket error';
  return 'unknown';
}
