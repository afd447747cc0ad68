import type { HeaderList } from '../../http2/index.js';
import { ACCEPT_ENCODING, type Encoding, type Metadata, percentEncode, Status } from '../call/index.js';

// The header blocks a server call sends (gRPC PROTOCOL-HTTP2): Response-Headers before the first message, Trailers
// with the status after the last, and Trailers-Only, both in one block, when nothing was sent before the status.

/** The header lists every plain call sends: shared, since the HPACK encoder only reads them. */
export const RESPONSE_HEADERS: HeaderList = [[':status', '200'], ['content-type', 'application/grpc'], ['grpc-accept-encoding', ACCEPT_ENCODING]];
export const OK_TRAILERS: HeaderList = [['grpc-status', '0']];

/** Response-Headers: the shared list unless the call compresses or sends initial metadata. */
export function responseHeaders(encoding: Encoding, initialMetadata: Metadata | undefined): HeaderList {
  if (encoding === 'identity' && !initialMetadata) return RESPONSE_HEADERS;
  const fields: HeaderList = [[':status', '200'], ['content-type', 'application/grpc']];
  if (encoding !== 'identity') fields.push(['grpc-encoding', encoding]);
  fields.push(['grpc-accept-encoding', ACCEPT_ENCODING]);
  initialMetadata?.appendTo(fields);
  return fields;
}

/**
 * The trailers of a call ending with this status, with grpc-status-details-bin and gRPC A6 grpc-retry-pushback-ms
 * (on a failing status) when given; Trailers-Only, the response headers in front, when nothing was sent before.
 */
export function statusFields(code: number, details: string, statusDetails: Uint8Array | undefined, retryPushback: number | undefined, trailers: Metadata | undefined, trailersOnly: boolean, initialMetadata: Metadata | undefined): HeaderList {
  const fields: HeaderList = [];
  if (trailersOnly) {
    fields.push([':status', '200'], ['content-type', 'application/grpc']);
    initialMetadata?.appendTo(fields);
  }
  fields.push(['grpc-status', String(code)]);
  if (details) fields.push(['grpc-message', percentEncode(details)]);
  if (statusDetails) fields.push(['grpc-status-details-bin', Buffer.from(statusDetails).toString('base64').replace(/=+$/, '')]);
  if (retryPushback !== undefined && code !== Status.OK) fields.push(['grpc-retry-pushback-ms', String(Math.trunc(retryPushback))]);
  trailers?.appendTo(fields);
  return fields;
}
